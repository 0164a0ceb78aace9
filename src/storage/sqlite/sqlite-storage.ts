// The embedded Storage backend: one SQLite file in WAL mode, two connections. Metadata commits
// are fsynced (synchronous = FULL), so a function change is durable before the API answers.
// Function logs go through their own connection with synchronous = NORMAL: a power cut may lose
// the last moments of log lines, never metadata, and the invoke path never waits on an fsync.
// Async events are accepted through the FULL connection and tracked through a third, NORMAL one
// (sqlite-async-queue.ts).
import Database from 'better-sqlite3';
import type { Storage } from '../ports.js';
import { migrate } from './migrations.js';
import { SqliteAsyncQueue } from './sqlite-async-queue.js';
import { SqliteEventInvokeConfigs } from './sqlite-event-invoke-configs.js';
import { SqliteFunctionStore } from './sqlite-function-store.js';
import { SqliteLayerStore } from './sqlite-layer-store.js';
import { SqliteLogStore } from './sqlite-log-store.js';

export function openSqliteStorage(file: string, options: { logRetentionEvents: number }): Storage {
  const db = open(file, 'FULL');
  let logDb: Database.Database | undefined;
  let queueDb: Database.Database | undefined;
  try {
    migrate(db);
    logDb = open(file, 'NORMAL');
    queueDb = open(file, 'NORMAL');
    const asyncEvents = new SqliteAsyncQueue(db, queueDb);
    return {
      functions: new SqliteFunctionStore(db),
      layers: new SqliteLayerStore(db),
      logs: new SqliteLogStore(logDb, options.logRetentionEvents),
      asyncEvents,
      eventInvokeConfigs: new SqliteEventInvokeConfigs(db),
      async close() {
        if (db.open) asyncEvents.flushPending();
        if (queueDb?.open) queueDb.close();
        if (logDb?.open) logDb.close();
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

function open(file: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
