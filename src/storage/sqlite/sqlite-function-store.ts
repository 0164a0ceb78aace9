// FunctionStore on SQLite. Records are stored as JSON beside their key columns; the revision
// compare-and-swap is one conditional UPDATE, so two writers (even two processes) cannot both win.
// Steps that read then write (next version number, reservation within the account total, delete
// of everything a function owns) run in one IMMEDIATE transaction.
import type { Database, Statement } from 'better-sqlite3';
import type { AliasRecord } from '../../control-plane/alias-record.js';
import { LATEST, patchedRecord, type FunctionPatch, type FunctionRecord } from '../../control-plane/function-record.js';
import type { ProvisionedConcurrencyRecord } from '../../control-plane/provisioned-concurrency-record.js';
import type { FunctionStore, ProvisionResult, ReservationResult } from '../ports.js';
import { SqliteAliases } from './sqlite-aliases.js';
import { SqliteProvisioned } from './sqlite-provisioned.js';

interface RecordRow {
  readonly record: string;
}

export class SqliteFunctionStore implements FunctionStore {
  private readonly insertRow: Statement<[string, string, string, string]>;
  private readonly selectOne: Statement<[string, string], RecordRow>;
  private readonly selectPage: Statement<[string, string, number], RecordRow>;
  private readonly swapRecord: Statement<[string, string, string, string, string]>;
  private readonly replaceTags: Statement<[string, string]>;
  private readonly selectVersions: Statement<[string, number, number], RecordRow>;
  private readonly selectLastVersion: Statement<[string], RecordRow>;
  private readonly deleteOneVersion: Statement<[string, string]>;
  private readonly selectCounter: Statement<[string, string], { n: number }>;
  private readonly saveCounter: Statement<[string, number]>;
  private readonly selectReserved: Statement<[string], { reserved: number | null }>;
  private readonly saveReserved: Statement<[string, number | null]>;
  private readonly aliases: SqliteAliases;
  private readonly provisioned: SqliteProvisioned;
  private readonly deleteAllOf: (name: string) => boolean;
  private readonly insertVersion: (record: Omit<FunctionRecord, 'version'>) => FunctionRecord | undefined;
  private readonly reserve: (name: string, value: number, maxTotal: number) => ReservationResult;
  private readonly provision: (config: ProvisionedConcurrencyRecord, maxTotal: number) => ProvisionResult;
  private readonly deleteVersionAndConfig: (name: string, version: string) => boolean;
  private readonly deleteAliasAndConfig: (functionName: string, name: string) => boolean;

  constructor(db: Database) {
    this.insertRow = db.prepare(
      'INSERT INTO functions (name, version, revision_id, record) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.selectOne = db.prepare('SELECT record FROM functions WHERE name = ? AND version = ?');
    this.selectPage = db.prepare('SELECT record FROM functions WHERE version = ? AND name > ? ORDER BY name LIMIT ?');
    this.swapRecord = db.prepare(
      'UPDATE functions SET record = ?, revision_id = ? WHERE name = ? AND version = ? AND revision_id = ?',
    );
    this.replaceTags = db.prepare("UPDATE functions SET record = json_set(record, '$.tags', json(?)) WHERE name = ?");
    this.selectVersions = db.prepare(
      "SELECT record FROM functions WHERE name = ? AND version <> '$LATEST' AND CAST(version AS INTEGER) > ? ORDER BY CAST(version AS INTEGER) LIMIT ?",
    );
    this.selectLastVersion = db.prepare(
      "SELECT record FROM functions WHERE name = ? AND version <> '$LATEST' ORDER BY CAST(version AS INTEGER) DESC LIMIT 1",
    );
    this.deleteOneVersion = db.prepare("DELETE FROM functions WHERE name = ? AND version = ? AND version <> '$LATEST'");
    this.selectCounter = db.prepare(
      `SELECT MAX(
         COALESCE((SELECT last_version FROM function_settings WHERE name = ?), 0),
         COALESCE((SELECT MAX(CAST(version AS INTEGER)) FROM functions WHERE name = ? AND version <> '$LATEST'), 0)
       ) AS n`,
    );
    this.saveCounter = db.prepare(
      'INSERT INTO function_settings (name, last_version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_version = excluded.last_version',
    );
    this.selectReserved = db.prepare('SELECT reserved_concurrency AS reserved FROM function_settings WHERE name = ?');
    this.saveReserved = db.prepare(
      'INSERT INTO function_settings (name, reserved_concurrency) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET reserved_concurrency = excluded.reserved_concurrency',
    );
    this.aliases = new SqliteAliases(db);
    this.provisioned = new SqliteProvisioned(db);
    const deleteRecords = db.prepare<[string]>('DELETE FROM functions WHERE name = ?');
    const deleteSettings = db.prepare<[string]>('DELETE FROM function_settings WHERE name = ?');
    const deleteAll = db.transaction((name: string) => {
      const existed = deleteRecords.run(name).changes > 0;
      deleteSettings.run(name);
      this.aliases.deleteAllOf(name);
      this.provisioned.deleteAllOf(name);
      return existed;
    });
    this.deleteAllOf = (name) => deleteAll.immediate(name);
    const insertVersion = db.transaction((record: Omit<FunctionRecord, 'version'>) => {
      if (!this.selectOne.get(record.name, LATEST)) return undefined;
      const number = (this.selectCounter.get(record.name, record.name)?.n ?? 0) + 1;
      const stored: FunctionRecord = { ...record, version: String(number) };
      this.saveCounter.run(record.name, number);
      this.insertRow.run(stored.name, stored.version, stored.revisionId, JSON.stringify(stored));
      return stored;
    });
    this.insertVersion = (record) => insertVersion.immediate(record);
    const reserve = db.transaction((name: string, value: number, maxTotal: number): ReservationResult => {
      if (!this.selectOne.get(name, LATEST)) return 'function-not-found';
      if (value < this.provisioned.totalOf(name)) return 'below-provisioned';
      if (this.provisioned.committedExcept(name) + value > maxTotal) return 'over-limit';
      this.saveReserved.run(name, value);
      return 'set';
    });
    this.reserve = (name, value, maxTotal) => reserve.immediate(name, value, maxTotal);
    const provision = db.transaction((config: ProvisionedConcurrencyRecord, maxTotal: number): ProvisionResult => {
      const { functionName, qualifier, requested } = config;
      if (!this.selectOne.get(functionName, LATEST)) return 'function-not-found';
      const total = this.provisioned.totalOf(functionName, qualifier) + requested;
      const reserved = this.selectReserved.get(functionName)?.reserved ?? undefined;
      if (reserved !== undefined && total > reserved) return 'over-reserved';
      if (reserved === undefined && this.provisioned.committedExcept(functionName) + total > maxTotal) {
        return 'over-limit';
      }
      this.provisioned.put(config);
      return 'set';
    });
    this.provision = (config, maxTotal) => provision.immediate(config, maxTotal);
    const deleteVersion = db.transaction((name: string, version: string) => {
      if (this.deleteOneVersion.run(name, version).changes === 0) return false;
      this.provisioned.delete(name, version);
      return true;
    });
    this.deleteVersionAndConfig = (name, version) => deleteVersion.immediate(name, version);
    const deleteAlias = db.transaction((functionName: string, name: string) => {
      if (!this.aliases.delete(functionName, name)) return false;
      this.provisioned.delete(functionName, name);
      return true;
    });
    this.deleteAliasAndConfig = (functionName, name) => deleteAlias.immediate(functionName, name);
  }

  async insert(record: FunctionRecord): Promise<boolean> {
    const result = this.insertRow.run(record.name, record.version, record.revisionId, JSON.stringify(record));
    return result.changes === 1;
  }

  async get(name: string, version: string): Promise<FunctionRecord | undefined> {
    const row = this.selectOne.get(name, version);
    return row && parseRecord(row);
  }

  async list(afterName: string | undefined, limit: number): Promise<FunctionRecord[]> {
    // Function names are never empty, so '' sorts before every one of them.
    return this.selectPage.all(LATEST, afterName ?? '', Math.max(0, limit)).map(parseRecord);
  }

  async update(
    name: string,
    version: string,
    expectedRevisionId: string,
    patch: FunctionPatch,
    next: { revisionId: string; lastModified: string },
  ): Promise<FunctionRecord | undefined> {
    const row = this.selectOne.get(name, version);
    if (!row) return undefined;
    const current = parseRecord(row);
    if (current.revisionId !== expectedRevisionId) return undefined;
    const updated = patchedRecord(current, patch, next);
    const result = this.swapRecord.run(JSON.stringify(updated), next.revisionId, name, version, expectedRevisionId);
    return result.changes === 1 ? updated : undefined;
  }

  async setTags(name: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    return this.replaceTags.run(JSON.stringify(tags), name).changes > 0;
  }

  async delete(name: string): Promise<boolean> {
    return this.deleteAllOf(name);
  }

  async insertNextVersion(record: Omit<FunctionRecord, 'version'>): Promise<FunctionRecord | undefined> {
    return this.insertVersion(record);
  }

  async listVersions(name: string, afterVersion: number, limit: number): Promise<FunctionRecord[]> {
    return this.selectVersions.all(name, afterVersion, Math.max(0, limit)).map(parseRecord);
  }

  async lastVersion(name: string): Promise<FunctionRecord | undefined> {
    const row = this.selectLastVersion.get(name);
    return row && parseRecord(row);
  }

  async deleteVersion(name: string, version: string): Promise<boolean> {
    return this.deleteVersionAndConfig(name, version);
  }

  async insertAlias(alias: AliasRecord): Promise<boolean> {
    if (!this.selectOne.get(alias.functionName, LATEST)) return false;
    return this.aliases.insert(alias);
  }

  async getAlias(functionName: string, name: string): Promise<AliasRecord | undefined> {
    return this.aliases.get(functionName, name);
  }

  async listAliases(functionName: string, afterName: string | undefined, limit: number): Promise<AliasRecord[]> {
    return this.aliases.list(functionName, afterName, limit);
  }

  async updateAlias(alias: AliasRecord, expectedRevisionId: string): Promise<boolean> {
    return this.aliases.update(alias, expectedRevisionId);
  }

  async deleteAlias(functionName: string, name: string): Promise<boolean> {
    return this.deleteAliasAndConfig(functionName, name);
  }

  async reserveConcurrency(name: string, value: number, maxTotal: number): Promise<ReservationResult> {
    return this.reserve(name, value, maxTotal);
  }

  async clearReservedConcurrency(name: string): Promise<boolean> {
    if (!this.selectOne.get(name, LATEST)) return false;
    this.saveReserved.run(name, null);
    return true;
  }

  async reservedConcurrency(name: string): Promise<number | undefined> {
    return this.selectReserved.get(name)?.reserved ?? undefined;
  }

  async totalReservedConcurrency(): Promise<number> {
    return this.provisioned.committedExcept();
  }

  async putProvisionedConcurrency(config: ProvisionedConcurrencyRecord, maxTotal: number): Promise<ProvisionResult> {
    return this.provision(config, maxTotal);
  }

  async getProvisionedConcurrency(
    functionName: string,
    qualifier: string,
  ): Promise<ProvisionedConcurrencyRecord | undefined> {
    return this.provisioned.get(functionName, qualifier);
  }

  async listProvisionedConcurrency(
    functionName: string | undefined,
    afterQualifier = '',
    limit = Number.MAX_SAFE_INTEGER,
  ): Promise<ProvisionedConcurrencyRecord[]> {
    return this.provisioned.list(functionName, afterQualifier, limit);
  }

  async deleteProvisionedConcurrency(functionName: string, qualifier: string): Promise<boolean> {
    return this.provisioned.delete(functionName, qualifier);
  }
}

function parseRecord(row: RecordRow): FunctionRecord {
  return JSON.parse(row.record) as FunctionRecord;
}
