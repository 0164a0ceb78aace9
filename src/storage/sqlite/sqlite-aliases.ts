// The alias rows of the SQLite FunctionStore: one row per (function, alias), the AliasRecord as
// JSON beside its key and revision; the revision compare-and-swap is one conditional UPDATE.
import type { Database, Statement } from 'better-sqlite3';
import type { AliasRecord } from '../../control-plane/alias-record.js';

interface AliasRow {
  readonly record: string;
}

export class SqliteAliases {
  private readonly insertRow: Statement<[string, string, string, string]>;
  private readonly selectOne: Statement<[string, string], AliasRow>;
  private readonly selectPage: Statement<[string, string, number], AliasRow>;
  private readonly swapRow: Statement<[string, string, string, string, string]>;
  private readonly deleteOne: Statement<[string, string]>;
  private readonly deleteAll: Statement<[string]>;

  constructor(db: Database) {
    this.insertRow = db.prepare(
      'INSERT INTO aliases (function_name, name, revision_id, record) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.selectOne = db.prepare('SELECT record FROM aliases WHERE function_name = ? AND name = ?');
    this.selectPage = db.prepare(
      'SELECT record FROM aliases WHERE function_name = ? AND name > ? ORDER BY name LIMIT ?',
    );
    this.swapRow = db.prepare(
      'UPDATE aliases SET record = ?, revision_id = ? WHERE function_name = ? AND name = ? AND revision_id = ?',
    );
    this.deleteOne = db.prepare('DELETE FROM aliases WHERE function_name = ? AND name = ?');
    this.deleteAll = db.prepare('DELETE FROM aliases WHERE function_name = ?');
  }

  insert(alias: AliasRecord): boolean {
    return this.insertRow.run(alias.functionName, alias.name, alias.revisionId, JSON.stringify(alias)).changes === 1;
  }

  get(functionName: string, name: string): AliasRecord | undefined {
    const row = this.selectOne.get(functionName, name);
    return row && parseAlias(row);
  }

  list(functionName: string, afterName: string | undefined, limit: number): AliasRecord[] {
    // Alias names are never empty, so '' sorts before every one of them.
    return this.selectPage.all(functionName, afterName ?? '', Math.max(0, limit)).map(parseAlias);
  }

  update(alias: AliasRecord, expectedRevisionId: string): boolean {
    const { functionName, name, revisionId } = alias;
    return this.swapRow.run(JSON.stringify(alias), revisionId, functionName, name, expectedRevisionId).changes === 1;
  }

  delete(functionName: string, name: string): boolean {
    return this.deleteOne.run(functionName, name).changes > 0;
  }

  deleteAllOf(functionName: string): void {
    this.deleteAll.run(functionName);
  }
}

function parseAlias(row: AliasRow): AliasRecord {
  return JSON.parse(row.record) as AliasRecord;
}
