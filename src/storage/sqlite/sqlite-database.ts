// Opening the SQLite file the way every connection of the embedded store does: WAL, the given
// durability, a busy timeout, foreign keys.
import Database from 'better-sqlite3';

export function openSqliteDatabase(file: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
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
