// The embedded Storage backend: one SQLite file in WAL mode. Every commit is fsynced
// (synchronous = FULL), so a function change is durable before the API answers.
import Database from 'better-sqlite3';
import type { Storage } from '../ports.js';
import { migrate } from './migrations.js';
import { SqliteFunctionStore } from './sqlite-function-store.js';
import { SqliteLogStore } from './sqlite-log-store.js';

export function openSqliteStorage(file: string, options: { logRetentionEvents: number }): Storage {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return {
      functions: new SqliteFunctionStore(db),
      logs: new SqliteLogStore(db, options.logRetentionEvents),
      async close() {
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
