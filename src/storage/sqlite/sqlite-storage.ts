// The embedded Storage backend: one SQLite file in WAL mode. Metadata commits are fsynced
// (synchronous = FULL), so a function change is durable before the API answers.
// Function logs go through their own connection with synchronous = NORMAL: a power cut may lose
// the last moments of log lines, never metadata, and the invoke path never waits on an fsync.
// With `logsInWorker` (what `hearth start` uses) that log connection lives in a worker thread.
// Async events are accepted through the FULL connection and tracked through another, NORMAL one
// (sqlite-async-queue.ts).
import type Database from 'better-sqlite3';
import type { LogStore, Storage } from '../ports.js';
import { migrate } from './migrations.js';
import { SqliteAsyncQueue } from './sqlite-async-queue.js';
import { openSqliteDatabase } from './sqlite-database.js';
import { SqliteEventInvokeConfigs } from './sqlite-event-invoke-configs.js';
import { SqliteFunctionStore } from './sqlite-function-store.js';
import { SqliteLayerStore } from './sqlite-layer-store.js';
import { SqliteLogStore } from './sqlite-log-store.js';
import { WorkerLogStore } from './worker-log-store.js';

export interface SqliteStorageOptions {
  readonly logRetentionEvents: number;
  /** Write function logs from a worker thread (WorkerLogStore), off the invoke path's event loop. */
  readonly logsInWorker?: boolean;
}

export function openSqliteStorage(file: string, options: SqliteStorageOptions): Storage {
  const db = openSqliteDatabase(file, 'FULL');
  let logDb: Database.Database | undefined;
  let queueDb: Database.Database | undefined;
  try {
    migrate(db);
    let logs: LogStore;
    let closeLogs: () => Promise<void>;
    if (options.logsInWorker === true) {
      const worker = new WorkerLogStore(file, options.logRetentionEvents);
      logs = worker;
      closeLogs = () => worker.close();
    } else {
      const opened = openSqliteDatabase(file, 'NORMAL');
      logDb = opened;
      logs = new SqliteLogStore(opened, options.logRetentionEvents);
      closeLogs = async () => {
        if (opened.open) opened.close();
      };
    }
    queueDb = openSqliteDatabase(file, 'NORMAL');
    const events = queueDb;
    const asyncEvents = new SqliteAsyncQueue(db, events);
    return {
      functions: new SqliteFunctionStore(db),
      layers: new SqliteLayerStore(db),
      logs,
      asyncEvents,
      eventInvokeConfigs: new SqliteEventInvokeConfigs(db),
      async close() {
        if (db.open) asyncEvents.flushPending();
        if (events.open) events.close();
        await closeLogs();
        if (db.open) db.close();
      },
    };
  } catch (error) {
    queueDb?.close();
    logDb?.close();
    db.close();
    throw error;
  }
}
