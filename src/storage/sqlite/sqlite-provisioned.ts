// The provisioned concurrency rows of the SQLite FunctionStore, and the committed-concurrency sum
// that reservations and provisioned concurrency are checked against: per function, its
// reservation when it has one, else the sum of its provisioned concurrency.
import type { Database, Statement } from 'better-sqlite3';
import type { ProvisionedConcurrencyRecord } from '../../control-plane/provisioned-concurrency-record.js';

interface ProvisionedRow {
  readonly function_name: string;
  readonly qualifier: string;
  readonly requested: number;
  readonly last_modified: string;
}

/** Every function's committed concurrency but `excluded`'s ('' excludes none: names are never empty). */
const COMMITTED_SQL = `
  SELECT COALESCE(SUM(committed), 0) AS total FROM (
    SELECT COALESCE(
      (SELECT reserved_concurrency FROM function_settings s WHERE s.name = n.name),
      (SELECT SUM(requested) FROM provisioned_concurrency p WHERE p.function_name = n.name),
      0) AS committed
    FROM (SELECT name FROM function_settings UNION SELECT function_name FROM provisioned_concurrency) n
    WHERE n.name <> ?
  )`;

export class SqliteProvisioned {
  private readonly upsertRow: Statement<[string, string, number, string]>;
  private readonly selectOne: Statement<[string, string], ProvisionedRow>;
  private readonly selectOf: Statement<[string, string, number], ProvisionedRow>;
  private readonly selectAll: Statement<[], ProvisionedRow>;
  private readonly deleteOne: Statement<[string, string]>;
  private readonly deleteAll: Statement<[string]>;
  private readonly sumOf: Statement<[string, string], { total: number | null }>;
  private readonly committed: Statement<[string], { total: number }>;

  constructor(db: Database) {
    this.upsertRow = db.prepare(
      `INSERT INTO provisioned_concurrency (function_name, qualifier, requested, last_modified) VALUES (?, ?, ?, ?)
       ON CONFLICT (function_name, qualifier) DO UPDATE SET requested = excluded.requested, last_modified = excluded.last_modified`,
    );
    this.selectOne = db.prepare('SELECT * FROM provisioned_concurrency WHERE function_name = ? AND qualifier = ?');
    this.selectOf = db.prepare(
      'SELECT * FROM provisioned_concurrency WHERE function_name = ? AND qualifier > ? ORDER BY qualifier LIMIT ?',
    );
    this.selectAll = db.prepare('SELECT * FROM provisioned_concurrency ORDER BY function_name, qualifier');
    this.deleteOne = db.prepare('DELETE FROM provisioned_concurrency WHERE function_name = ? AND qualifier = ?');
    this.deleteAll = db.prepare('DELETE FROM provisioned_concurrency WHERE function_name = ?');
    this.sumOf = db.prepare(
      'SELECT SUM(requested) AS total FROM provisioned_concurrency WHERE function_name = ? AND qualifier <> ?',
    );
    this.committed = db.prepare(COMMITTED_SQL);
  }

  put(config: ProvisionedConcurrencyRecord): void {
    this.upsertRow.run(config.functionName, config.qualifier, config.requested, config.lastModified);
  }

  get(functionName: string, qualifier: string): ProvisionedConcurrencyRecord | undefined {
    const row = this.selectOne.get(functionName, qualifier);
    return row && parseRow(row);
  }

  list(functionName: string | undefined, afterQualifier: string, limit: number): ProvisionedConcurrencyRecord[] {
    if (functionName === undefined) return this.selectAll.all().map(parseRow);
    return this.selectOf.all(functionName, afterQualifier, Math.max(0, limit)).map(parseRow);
  }

  delete(functionName: string, qualifier: string): boolean {
    return this.deleteOne.run(functionName, qualifier).changes > 0;
  }

  deleteAllOf(functionName: string): void {
    this.deleteAll.run(functionName);
  }

  /** The function's provisioned concurrency, leaving out `exceptQualifier`'s. */
  totalOf(functionName: string, exceptQualifier = ''): number {
    return this.sumOf.get(functionName, exceptQualifier)?.total ?? 0;
  }

  /** Every function's committed concurrency, leaving out `exceptFunction`'s. */
  committedExcept(exceptFunction = ''): number {
    return this.committed.get(exceptFunction)?.total ?? 0;
  }
}

function parseRow(row: ProvisionedRow): ProvisionedConcurrencyRecord {
  return {
    functionName: row.function_name,
    qualifier: row.qualifier,
    requested: row.requested,
    lastModified: row.last_modified,
  };
}
