// LayerStore on SQLite: one row per layer version, the record as JSON beside its key and policy
// revision. The next version number comes from layer_settings.last_version in one IMMEDIATE
// transaction, so two concurrent publishes get two numbers; the policy swap is one conditional UPDATE.
import type { Database, Statement } from 'better-sqlite3';
import type { LayerPolicy, LayerVersionRecord } from '../../control-plane/layer-record.js';
import type { LayerStore } from '../ports.js';

interface RecordRow {
  readonly record: string;
}

export class SqliteLayerStore implements LayerStore {
  private readonly selectOne: Statement<[string, number], RecordRow>;
  private readonly selectVersions: Statement<[string, number, number], RecordRow>;
  private readonly selectNames: Statement<[string, number], { name: string }>;
  private readonly deleteOne: Statement<[string, number]>;
  private readonly swapPolicy: Statement<[string, string, string, number, string]>;
  private readonly publish: (record: Omit<LayerVersionRecord, 'version'>) => LayerVersionRecord;

  constructor(db: Database) {
    this.selectOne = db.prepare('SELECT record FROM layer_versions WHERE name = ? AND version = ?');
    this.selectVersions = db.prepare(
      'SELECT record FROM layer_versions WHERE name = ? AND version < ? ORDER BY version DESC LIMIT ?',
    );
    this.selectNames = db.prepare('SELECT DISTINCT name FROM layer_versions WHERE name > ? ORDER BY name LIMIT ?');
    this.deleteOne = db.prepare('DELETE FROM layer_versions WHERE name = ? AND version = ?');
    this.swapPolicy = db.prepare(
      "UPDATE layer_versions SET record = json_set(record, '$.policy', json(?)), policy_revision_id = ? WHERE name = ? AND version = ? AND policy_revision_id = ?",
    );
    const selectCounter = db.prepare<[string, string], { n: number }>(
      `SELECT MAX(
         COALESCE((SELECT last_version FROM layer_settings WHERE name = ?), 0),
         COALESCE((SELECT MAX(version) FROM layer_versions WHERE name = ?), 0)
       ) AS n`,
    );
    const saveCounter = db.prepare<[string, number]>(
      'INSERT INTO layer_settings (name, last_version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET last_version = excluded.last_version',
    );
    const insertRow = db.prepare<[string, number, string, string]>(
      'INSERT INTO layer_versions (name, version, policy_revision_id, record) VALUES (?, ?, ?, ?)',
    );
    const publish = db.transaction((record: Omit<LayerVersionRecord, 'version'>) => {
      const version = (selectCounter.get(record.layerName, record.layerName)?.n ?? 0) + 1;
      const stored: LayerVersionRecord = { ...record, version };
      saveCounter.run(record.layerName, version);
      insertRow.run(stored.layerName, version, stored.policy.revisionId, JSON.stringify(stored));
      return stored;
    });
    this.publish = (record) => publish.immediate(record);
  }

  async publishLayerVersion(record: Omit<LayerVersionRecord, 'version'>): Promise<LayerVersionRecord> {
    return this.publish(record);
  }

  async getLayerVersion(name: string, version: number): Promise<LayerVersionRecord | undefined> {
    const row = this.selectOne.get(name, version);
    return row && parseRecord(row);
  }

  async listLayerVersions(
    name: string,
    belowVersion: number | undefined,
    limit: number,
  ): Promise<LayerVersionRecord[]> {
    const below = belowVersion ?? Number.MAX_SAFE_INTEGER;
    return this.selectVersions.all(name, below, Math.max(0, limit)).map(parseRecord);
  }

  async listLayerNames(afterName: string | undefined, limit: number): Promise<string[]> {
    // Layer names are never empty, so '' sorts before every one of them.
    return this.selectNames.all(afterName ?? '', Math.max(0, limit)).map((row) => row.name);
  }

  async deleteLayerVersion(name: string, version: number): Promise<boolean> {
    return this.deleteOne.run(name, version).changes > 0;
  }

  async replaceLayerPolicy(
    name: string,
    version: number,
    expectedRevisionId: string,
    policy: LayerPolicy,
  ): Promise<boolean> {
    const result = this.swapPolicy.run(JSON.stringify(policy), policy.revisionId, name, version, expectedRevisionId);
    return result.changes === 1;
  }
}

function parseRecord(row: RecordRow): LayerVersionRecord {
  return JSON.parse(row.record) as LayerVersionRecord;
}
