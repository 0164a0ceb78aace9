// The worker thread behind WorkerLogStore: owns the log connection (synchronous = NORMAL) and a
// SqliteLogStore on it, and answers append / read / deleteFunction messages in arrival order.
// Its own thread, so a flush of a few hundred rows (or a WAL checkpoint) never holds up the
// event loop that serves invocations.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteDatabase } from './sqlite-database.js';
import { SqliteLogStore } from './sqlite-log-store.js';
import type { LogStoreReply, LogStoreRequest, LogStoreWorkerData } from './worker-log-store.js';

const { file, retentionEvents } = workerData as LogStoreWorkerData;
const port = parentPort;
if (port === null) throw new Error('log-store-worker.js runs as a worker thread');

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
