// The worker thread behind WorkerLogStore: owns the log connection (synchronous = NORMAL) and a
// SqliteLogStore on it, and answers append / read / deleteFunction messages in arrival order.
// Its own thread, so a flush of a few hundred rows (or a WAL checkpoint) never holds up the
// event loop that serves invocations; and a lower CPU priority than Hearth's other threads, so that
// on a busy host its batches wait for the cores instead of the invocations (docs/logs.md).
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteDatabase } from './sqlite-database.js';
import { SqliteLogStore } from './sqlite-log-store.js';
import type { LogStoreReply, LogStoreRequest, LogStoreWorkerData } from './worker-log-store.js';

const { file, retentionEvents } = workerData as LogStoreWorkerData;
const port = parentPort;
if (port === null) throw new Error('log-store-worker.js runs as a worker thread');

/** How much nicer than the process the log thread runs. */
const LOG_THREAD_NICENESS = 10;

lowerOwnPriority(LOG_THREAD_NICENESS);
const db = openSqliteDatabase(file, 'NORMAL');
const store = new SqliteLogStore(db, retentionEvents);

port.on('message', (request: LogStoreRequest) => {
  void answer(request).then((reply) => port.postMessage(reply));
});

async function answer(request: LogStoreRequest): Promise<LogStoreReply> {
  try {
    switch (request.op) {
      case 'append':
        await store.append(request.functionName, request.events);
        return { id: request.id, ok: true, value: undefined };
      case 'read':
        return {
          id: request.id,
          ok: true,
          value: await store.read(request.functionName, request.afterSeq, request.limit),
        };
      case 'delete':
        await store.deleteFunction(request.functionName);
        return { id: request.id, ok: true, value: undefined };
      case 'close':
        db.close();
        return { id: request.id, ok: true, value: undefined };
      default: {
        const never: never = request;
        throw new Error(`unknown log store request ${JSON.stringify(never)}`);
      }
    }
  } catch (error) {
    if (!(error instanceof Error)) return { id: request.id, ok: false, message: String(error), name: 'Error' };
    const { code } = error as { code?: unknown };
    return {
      id: request.id,
      ok: false,
      message: error.message,
      name: error.name,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
}

/**
 * Raises this thread's nice value by `by` (at most 19). On Linux the nice value belongs to a thread,
 * and /proc/thread-self links to `<pid>/task/<tid>`: setpriority on that tid changes this thread
 * alone. Elsewhere, or where it is refused, the thread keeps the process's priority.
 */
function lowerOwnPriority(by: number): void {
  try {
    const tid = Number(path.basename(readlinkSync('/proc/thread-self')));
    if (!Number.isInteger(tid) || tid <= 0) return;
    setPriority(tid, Math.min(19, getPriority(tid) + by));
  } catch {
    // not Linux, or not allowed
  }
}
