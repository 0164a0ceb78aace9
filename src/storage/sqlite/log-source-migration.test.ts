// The migration that added `source` and `request_id` to log_events: a data dir written by an
// older Hearth opens, keeps its lines (as function lines of no invocation, since nothing vouches
// for them), and takes new lines with both fields.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, migrations } from './migrations.js';
import { openSqliteStorage } from './sqlite-storage.js';

const tempRoot = mkdtempSync(path.join(tmpdir(), 'hearth-log-migration-'));
after(() => rmSync(tempRoot, { recursive: true, force: true }));

const sourceMigration = migrations.findIndex((sql) => sql.includes('ALTER TABLE log_events ADD COLUMN source'));

/** A data dir as the Hearth before the migration left it, with two log lines of `fn`. */
function oldDataDir(name: string): string {
  const file = path.join(tempRoot, `${name}.db`);
  const db = new Database(file);
  migrate(db, migrations.slice(0, sourceMigration));
  const insert = db.prepare(
    'INSERT INTO log_events (function_name, timestamp, log_stream, message) VALUES (?, ?, ?, ?)',
  );
  insert.run('fn', 1000, 'stream-old', 'START RequestId: old-1 Version: $LATEST');
  insert.run('fn', 1001, 'stream-old', 'old output');
  db.close();
  return file;
}

void describe('log_events source/request_id migration', () => {
  void it('is a migration of its own, after the table it changes', () => {
    assert.ok(sourceMigration > 0, 'found, and not the first migration');
  });

  for (const logsInWorker of [false, true]) {
    void it(`an old data dir opens with its lines kept${logsInWorker ? ' (logs in a worker thread)' : ''}`, async () => {
      const file = oldDataDir(`old-${logsInWorker}`);
      const storage = openSqliteStorage(file, { logRetentionEvents: 100, logsInWorker });
      try {
        await storage.logs.append('fn', [
          {
            timestamp: 2000,
            logStream: 'stream-new',
            message: 'START RequestId: r1',
            source: 'platform',
            requestId: 'r1',
          },
          { timestamp: 2001, logStream: 'stream-new', message: 'new output', source: 'function', requestId: 'r1' },
        ]);
        const read = await storage.logs.read('fn', 0, 100);
        assert.deepEqual(
          read.map(({ seq: _seq, ...event }) => event),
          [
            {
              timestamp: 1000,
              logStream: 'stream-old',
              message: 'START RequestId: old-1 Version: $LATEST',
              source: 'function',
            },
            { timestamp: 1001, logStream: 'stream-old', message: 'old output', source: 'function' },
            {
              timestamp: 2000,
              logStream: 'stream-new',
              message: 'START RequestId: r1',
              source: 'platform',
              requestId: 'r1',
            },
            { timestamp: 2001, logStream: 'stream-new', message: 'new output', source: 'function', requestId: 'r1' },
          ],
        );
        const seqs = read.map((event) => event.seq);
        assert.ok(
          seqs.every((seq, i) => i === 0 || seq > (seqs[i - 1] ?? Infinity)),
          'new lines follow the old ones',
        );
      } finally {
        await storage.close();
      }
      const db = new Database(file, { readonly: true });
      assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
      db.close();
    });
  }

  void it('refuses a source that is neither platform nor function', () => {
    const file = oldDataDir('check');
    const db = new Database(file);
    migrate(db);
    assert.throws(
      () =>
        db
          .prepare(
            "INSERT INTO log_events (function_name, timestamp, log_stream, message, source) VALUES ('fn', 1, 's', 'm', 'kernel')",
          )
          .run(),
      /CHECK constraint failed/,
    );
    db.close();
  });
});
