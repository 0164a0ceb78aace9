// What the log store's worker thread promises beside the other connections to the same file:
// a batch is stored even when another connection is writing at that very moment. (It once read
// the function's row count and then inserted in a deferred transaction; SQLite refuses such an
// upgrade to a write at once, busy timeout or not, when another connection holds the write lock
// or has committed since the read: SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT, and the batch was dropped.
// That lost the first lines of a restarted server while its pollers claimed and finished events.)
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { LogSink } from '../../observability/log-sink.js';
import { processStat } from '../../sandbox/isolation/owner-identity.js';
import type { LogEvent, LogSource, LogStore } from '../ports.js';
import type { BusyWriterData } from './busy-writer.fixture.js';
import { openSqliteStorage } from './sqlite-storage.js';
import { WorkerLogStore } from './worker-log-store.js';

/** The store's current thread, to kill it as a crash would. */
const threadOf = (store: WorkerLogStore): Worker => {
  const { worker } = store as unknown as { worker: Worker | undefined };
  assert.ok(worker !== undefined);
  return worker;
};

const root = mkdtempSync(path.join(tmpdir(), 'hearth-worker-log-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

const line = (message: string): LogEvent => ({
  timestamp: 1_700_000_000_000,
  logStream: '2026/11/26/[$LATEST]abc',
  message,
  source: 'function',
});

/** A thread's nice value, or NaN once it is gone. */
const niceOf = (tid: string): number => processStat(Number(tid))?.nice ?? Number.NaN;

void describe('WorkerLogStore', () => {
  void it('runs its thread 10 nicer than the process: on busy cores its batches wait, invocations do not', async () => {
    const file = path.join(root, 'nice.db');
    await openSqliteStorage(file, { logRetentionEvents: 1000 }).close(); // the schema
    const own = niceOf(String(process.pid));
    const store = new WorkerLogStore(file, 1000);
    try {
      await store.append('fn', [line('stored by a nicer thread')]); // the thread has started and answered
      const nices = readdirSync('/proc/self/task').map(niceOf);
      assert.ok(nices.includes(Math.min(19, own + 10)), `a thread at nice ${own + 10} among ${nices.join(' ')}`);
      assert.equal(niceOf(String(process.pid)), own, 'the main thread keeps its priority');
    } finally {
      await store.close();
    }
  });

  void it('stores every batch while another connection keeps writing to the same file', async () => {
    const file = path.join(root, 'busy.db');
    const storage = openSqliteStorage(file, { logRetentionEvents: 1000, logsInWorker: true });
    const stop = new SharedArrayBuffer(4);
    const data: BusyWriterData = { file, stop };
    const writer = new Worker(new URL('./busy-writer.fixture.js', import.meta.url), { workerData: data });
    const exited = once(writer, 'exit');
    try {
      await once(writer, 'message'); // 'writing'
      // Each function's first batch counts its rows before inserting (the path of a restarted server).
      const names = Array.from({ length: 100 }, (_, i) => `fn-${i}`);
      const appended = await Promise.allSettled(names.map((name) => storage.logs.append(name, [line(`RAN ${name}`)])));
      const commits = once(writer, 'message');
      Atomics.store(new Int32Array(stop), 0, 1);
      const [otherCommits] = (await commits) as [number];
      assert.ok(otherCommits > 0, 'the other connection wrote meanwhile');
      assert.deepEqual(
        appended.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : [])),
        [],
      );
      for (const name of names) {
        assert.deepEqual(
          (await storage.logs.read(name, 0, 10)).map((event) => event.message),
          [`RAN ${name}`],
        );
      }
    } finally {
      Atomics.store(new Int32Array(stop), 0, 1);
      await exited;
      await storage.close();
    }
  });

  void it("keeps SQLite's error code, so a line the store refuses is dropped alone and the others are kept", async () => {
    const storage = openSqliteStorage(path.join(root, 'refused.db'), { logRetentionEvents: 1000, logsInWorker: true });
    const warnings: string[] = [];
    try {
      const bad: LogEvent = { ...line('forged'), source: 'kernel' as LogSource }; // outside the CHECK
      await assert.rejects(storage.logs.append('fn', [bad]), { name: 'SqliteError', code: 'SQLITE_CONSTRAINT_CHECK' });
      const sink = new LogSink(storage.logs, { flushIntervalMs: 60_000, onWarning: (w) => warnings.push(w) });
      for (const event of [line('1'), line('2'), bad, line('4')]) sink.record('fn', event);
      await sink.close();
      assert.deepEqual(
        (await storage.logs.read('fn', 0, 10)).map((event) => event.message),
        ['1', '2', '4'],
      );
      assert.deepEqual(warnings, [
        "log store: dropped 1 line of fn after the store rejected it (SqliteError: CHECK constraint failed: source IN ('platform', 'function'))",
      ]);
    } finally {
      await storage.close();
    }
  });

  void it('a thread that died is started again by the next request; LogSink retries what it had not answered', async () => {
    const file = path.join(root, 'restart.db');
    await openSqliteStorage(file, { logRetentionEvents: 1000 }).close(); // the schema
    const store = new WorkerLogStore(file, 1000);
    const warnings: string[] = [];
    try {
      await store.append('fn', [line('before')]);
      await threadOf(store).terminate();
      await store.append('fn', [line('after a restart')]);
      const failures: string[] = [];
      const watched: LogStore = {
        append: (name, events) =>
          store.append(name, events).catch((error: unknown) => {
            failures.push(String(error));
            throw error;
          }),
        read: (name, after, limit) => store.read(name, after, limit),
        deleteFunction: (name) => store.deleteFunction(name),
      };
      const sink = new LogSink(watched, {
        flushIntervalMs: 60_000,
        retry: { baseDelayMs: 10, maxDelayMs: 100, retryForMs: 10_000 },
        onWarning: (w) => warnings.push(w),
      });
      for (let i = 0; i < 50; i++) sink.record('fn', line(`line ${i}`));
      const killed = threadOf(store);
      const dying = killed.terminate(); // the thread is dying…
      const flushed = sink.flush(); // …when the batch is sent to it: it never answers
      await dying;
      await flushed;
      await sink.close();
      const messages = (await store.read('fn', 0, 100)).map((event) => event.message);
      assert.deepEqual(messages, ['before', 'after a restart', ...Array.from({ length: 50 }, (_, i) => `line ${i}`)]);
      assert.deepEqual(failures, ['Error: The log store worker exited (code 1)'], 'the first attempt failed');
      assert.deepEqual(warnings, []);
    } finally {
      await store.close();
    }
  });
});
