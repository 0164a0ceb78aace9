// What only the SQLite backend promises beyond the conformance suite: durability across reopen,
// a compare-and-swap that holds across connections, and a versioned schema.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { LATEST } from '../../control-plane/function-record.js';
import { sampleRecord } from '../conformance/sample-record.js';
import { migrations } from './migrations.js';
import { openSqliteStorage } from './sqlite-storage.js';

const tempRoot = mkdtempSync(path.join(tmpdir(), 'hearth-sqlite-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));
const options = { logRetentionEvents: 3 };
let files = 0;
const freshFile = () => path.join(tempRoot, `db-${(files += 1)}.db`);

void describe('SQLite storage', () => {
  void it('keeps functions, tags and logs across close and reopen', async () => {
    const file = freshFile();
    const first = openSqliteStorage(file, options);
    await first.functions.insert(sampleRecord({ tags: { a: 'b' } }));
    await first.functions.update('hello', LATEST, 'rev-1', { timeout: 30 }, { revisionId: 'rev-2', lastModified: 'x' });
    await first.logs.append('hello', [{ timestamp: 1, logStream: 's', message: 'kept\n', source: 'function' }]);
    await first.close();

    const second = openSqliteStorage(file, options);
    const record = await second.functions.get('hello', LATEST);
    assert.equal(record?.timeout, 30);
    assert.equal(record?.revisionId, 'rev-2');
    assert.deepEqual(record?.tags, { a: 'b' });
    assert.deepEqual(
      (await second.logs.read('hello', 0, 10)).map((e) => e.message),
      ['kept\n'],
    );
    await second.close();
  });

  void it('keeps retention exact across reopen (events already on disk count)', async () => {
    const file = freshFile();
    const event = (message: string) => ({ timestamp: 1, logStream: 's', message, source: 'platform' as const });
    const first = openSqliteStorage(file, options);
    await first.logs.append('fn', [event('1'), event('2')]);
    await first.close();
    const second = openSqliteStorage(file, options);
    await second.logs.append('fn', [event('3'), event('4')]);
    assert.deepEqual(
      (await second.logs.read('fn', 0, 10)).map((e) => e.message),
      ['2', '3', '4'],
    );
    await second.close();
  });

  void it('lets only one of two connections win a compare-and-swap on the same revision', async () => {
    const file = freshFile();
    const a = openSqliteStorage(file, options);
    const b = openSqliteStorage(file, options);
    await a.functions.insert(sampleRecord());
    const next = { lastModified: 'now' };
    const fromA = await a.functions.update(
      'hello',
      LATEST,
      'rev-1',
      { description: 'A' },
      { ...next, revisionId: 'A' },
    );
    const fromB = await b.functions.update(
      'hello',
      LATEST,
      'rev-1',
      { description: 'B' },
      { ...next, revisionId: 'B' },
    );
    assert.equal(fromA?.description, 'A');
    assert.equal(fromB, undefined);
    assert.equal((await b.functions.get('hello', LATEST))?.description, 'A');
    await a.close();
    await b.close();
  });

  void it('records the schema version, uses WAL, and refuses a newer schema', async () => {
    const file = freshFile();
    await openSqliteStorage(file, options).close();
    const db = new Database(file);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    assert.throws(() => openSqliteStorage(file, options), /newer than this Hearth understands/);
  });
});
