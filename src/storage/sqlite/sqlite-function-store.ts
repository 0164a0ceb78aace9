// FunctionStore on SQLite. Records are stored as JSON beside their key columns; the revision
// compare-and-swap is one conditional UPDATE, so two writers (even two processes) cannot both win.
import type { Database, Statement } from 'better-sqlite3';
import { LATEST, patchedRecord, type FunctionPatch, type FunctionRecord } from '../../control-plane/function-record.js';
import type { FunctionStore } from '../ports.js';

interface RecordRow {
  readonly record: string;
}

export class SqliteFunctionStore implements FunctionStore {
  private readonly insertRow: Statement<[string, string, string, string]>;
  private readonly selectOne: Statement<[string, string], RecordRow>;
  private readonly selectPage: Statement<[string, string, number], RecordRow>;
  private readonly swapRecord: Statement<[string, string, string, string, string]>;
  private readonly replaceTags: Statement<[string, string]>;
  private readonly deleteAll: Statement<[string]>;

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
    this.deleteAll = db.prepare('DELETE FROM functions WHERE name = ?');
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
    return this.deleteAll.run(name).changes > 0;
  }
}

function parseRecord(row: RecordRow): FunctionRecord {
  return JSON.parse(row.record) as FunctionRecord;
}
