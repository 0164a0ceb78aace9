// What only the SQLite queue promises: rows survive the process (B4), and an event that cannot be
// written (disk full, B8) is refused rather than acknowledged.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { SqliteAsyncQueue } from './sqlite-async-queue.js';
import { openSqliteStorage } from './sqlite-storage.js';

const root = mkdtempSync(path.join(tmpdir(), 'hearth-async-queue-'));
after(() => rmSync(root, { recursive: true, force: true }));

const event = (requestId: string, bytes = 10) => ({
  requestId,
  functionName: 'fn',
  qualifier: undefined,
  payload: Buffer.alloc(bytes, 'x'),
  clientContext: undefined,
  acceptedAt: 1000,
});

void describe('SqliteAsyncQueue', () => {
  void it('events accepted before a close are there after reopening, and claims are released', async () => {
    const file = path.join(root, 'reopen.db');
    const first = openSqliteStorage(file, { logRetentionEvents: 10 });
    await Promise.all([first.asyncEvents.enqueue(event('a')), first.asyncEvents.enqueue(event('b'))]);
    await first.asyncEvents.claim(['a'], 1000, 10_000_000);
    await first.close();

    const second = openSqliteStorage(file, { logRetentionEvents: 10 });
    try {
      assert.deepEqual(
        (await second.asyncEvents.due(2000, 10)).map((e) => e.requestId),
        ['b'],
      );
      assert.equal(await second.asyncEvents.releaseClaims(2000), 1);
      assert.deepEqual((await second.asyncEvents.due(2000, 10)).map((e) => e.requestId).sort(), ['a', 'b']);
    } finally {
      await second.close();
    }
  });

  void it('enqueues still waiting for their group commit are written by close()', async () => {
    const file = path.join(root, 'close.db');
    const storage = openSqliteStorage(file, { logRetentionEvents: 10 });
    const accepted = storage.asyncEvents.enqueue(event('late'));
    await storage.close();
    await accepted;
    const again = openSqliteStorage(file, { logRetentionEvents: 10 });
    assert.equal((await again.asyncEvents.depths())[0]?.depth, 1);
    await again.close();
  });

  void it('finishes still waiting for their grouped commit are written by close()', async () => {
    const file = path.join(root, 'finish-close.db');
    const storage = openSqliteStorage(file, { logRetentionEvents: 10 });
    await Promise.all(['a', 'b', 'c'].map((id) => storage.asyncEvents.enqueue(event(id))));
    await storage.asyncEvents.claim(['a', 'b'], 1000, 10_000_000);
    const finished = [
      storage.asyncEvents.finish('a'),
      storage.asyncEvents.finish('b', { reason: 'DestinationDeleted', destination: 'arn:dest', record: '{}' }),
    ];
    await storage.close();
    await Promise.all(finished);
    const again = openSqliteStorage(file, { logRetentionEvents: 10 });
    try {
      assert.equal(await again.asyncEvents.releaseClaims(2000), 0);
      assert.deepEqual(
        (await again.asyncEvents.due(2000, 10)).map((e) => e.requestId),
        ['c'],
      );
      assert.equal(await again.asyncEvents.undeliverableCount(), 1);
    } finally {
      await again.close();
    }
  });

  void it('a full database rejects the enqueue (no acknowledgement) and keeps what it had (B8)', async () => {
    const file = path.join(root, 'full.db');
    const durable = new Database(file);
    durable.pragma('journal_mode = WAL');
    durable.pragma('synchronous = FULL');
    migrate(durable);
    const fast = new Database(file);
    const queue = new SqliteAsyncQueue(durable, fast);
    try {
      await queue.enqueue(event('kept'));
      const pages = durable.pragma('page_count', { simple: true }) as number;
      durable.pragma(`max_page_count = ${pages + 1}`);
      await assert.rejects(queue.enqueue(event('too-big', 200_000)), /full/i);
      durable.pragma('max_page_count = 1073741823');
      assert.deepEqual(
        (await queue.due(5000, 10)).map((e) => e.requestId),
        ['kept'],
      );
      await queue.enqueue(event('after-space-freed'));
      assert.equal((await queue.depths())[0]?.depth, 2);
    } finally {
      fast.close();
      durable.close();
    }
  });
});
