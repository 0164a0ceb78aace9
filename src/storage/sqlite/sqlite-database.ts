// Opening the SQLite file the way every connection of the embedded store does: WAL, the given
// durability, a busy timeout, foreign keys. The busy timeout does not cover a transaction that
// reads and then writes: SQLite refuses that upgrade at once (SQLITE_BUSY) when another connection
// holds the write lock or has committed since the read, so such transactions run `.immediate()`.
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
