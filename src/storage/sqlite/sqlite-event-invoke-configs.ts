// EventInvokeConfigStore on SQLite: one row per function and qualifier, the record as JSON.
import type { Database, Statement } from 'better-sqlite3';
import type { EventInvokeConfigRecord } from '../../control-plane/event-invoke-config-record.js';
import type { EventInvokeConfigStore } from '../ports.js';

export class SqliteEventInvokeConfigs implements EventInvokeConfigStore {
  private readonly upsert: Statement<[string, string, string]>;
  private readonly select: Statement<[string, string], { record: string }>;
  private readonly selectAfter: Statement<[string, string, number], { record: string }>;
  private readonly remove: Statement<[string, string]>;
  private readonly removeAll: Statement<[string]>;

  constructor(db: Database) {
    this.upsert = db.prepare(
      `INSERT INTO event_invoke_configs (function_name, qualifier, record) VALUES (?, ?, ?)
       ON CONFLICT (function_name, qualifier) DO UPDATE SET record = excluded.record`,
    );
    this.select = db.prepare('SELECT record FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?');
    this.selectAfter = db.prepare(
      'SELECT record FROM event_invoke_configs WHERE function_name = ? AND qualifier > ? ORDER BY qualifier LIMIT ?',
    );
    this.remove = db.prepare('DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?');
    this.removeAll = db.prepare('DELETE FROM event_invoke_configs WHERE function_name = ?');
  }

  async putEventInvokeConfig(config: EventInvokeConfigRecord): Promise<void> {
    this.upsert.run(config.functionName, config.qualifier, JSON.stringify(config));
  }

  async getEventInvokeConfig(functionName: string, qualifier: string): Promise<EventInvokeConfigRecord | undefined> {
    const row = this.select.get(functionName, qualifier);
    return row === undefined ? undefined : (JSON.parse(row.record) as EventInvokeConfigRecord);
  }

  async listEventInvokeConfigs(
    functionName: string,
    afterQualifier: string | undefined,
    limit: number,
  ): Promise<EventInvokeConfigRecord[]> {
    return this.selectAfter
      .all(functionName, afterQualifier ?? '', Math.max(0, limit))
      .map((row) => JSON.parse(row.record) as EventInvokeConfigRecord);
  }

  async deleteEventInvokeConfig(functionName: string, qualifier: string): Promise<boolean> {
    return this.remove.run(functionName, qualifier).changes > 0;
  }

  async deleteEventInvokeConfigs(functionName: string): Promise<void> {
    this.removeAll.run(functionName);
  }
}
