// The in-memory FunctionStore: the fake used by unit tests, with the same semantics as SQLite.
// Every record handed in or out is copied, so callers never share an object with the store.
import { LATEST, patchedRecord, type FunctionPatch, type FunctionRecord } from '../../control-plane/function-record.js';
import type { FunctionStore } from '../ports.js';

export class MemoryFunctionStore implements FunctionStore {
  /** name → version → record */
  private readonly functions = new Map<string, Map<string, FunctionRecord>>();

  async insert(record: FunctionRecord): Promise<boolean> {
    let versions = this.functions.get(record.name);
    if (versions?.has(record.version)) return false;
    if (!versions) {
      versions = new Map();
      this.functions.set(record.name, versions);
    }
    versions.set(record.version, structuredClone(record));
    return true;
  }

  async get(name: string, version: string): Promise<FunctionRecord | undefined> {
    const record = this.functions.get(name)?.get(version);
    return record && structuredClone(record);
  }

  async list(afterName: string | undefined, limit: number): Promise<FunctionRecord[]> {
    const names = [...this.functions.keys()]
      .filter((name) => afterName === undefined || name > afterName)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const page: FunctionRecord[] = [];
    for (const name of names) {
      if (page.length >= limit) break;
      const latest = this.functions.get(name)?.get(LATEST);
      if (latest) page.push(structuredClone(latest));
    }
    return page;
  }

  async update(
    name: string,
    version: string,
    expectedRevisionId: string,
    patch: FunctionPatch,
    next: { revisionId: string; lastModified: string },
  ): Promise<FunctionRecord | undefined> {
    const versions = this.functions.get(name);
    const current = versions?.get(version);
    if (!versions || !current || current.revisionId !== expectedRevisionId) return undefined;
    const updated = patchedRecord(current, structuredClone(patch), next);
    versions.set(version, updated);
    return structuredClone(updated);
  }

  async setTags(name: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    const versions = this.functions.get(name);
    if (!versions) return false;
    for (const [version, record] of versions) {
      versions.set(version, { ...record, tags: { ...tags } });
    }
    return true;
  }

  async delete(name: string): Promise<boolean> {
    return this.functions.delete(name);
  }
}
