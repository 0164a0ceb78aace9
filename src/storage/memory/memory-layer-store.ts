// The in-memory LayerStore: the fake used by unit tests, with the same semantics as SQLite.
// Records are copied in and out, so callers never share an object with the store.
import type { LayerPolicy, LayerVersionRecord } from '../../control-plane/layer-record.js';
import type { LayerStore } from '../ports.js';

interface Entry {
  readonly versions: Map<number, LayerVersionRecord>;
  lastVersion: number;
}

export class MemoryLayerStore implements LayerStore {
  private readonly layers = new Map<string, Entry>();

  async publishLayerVersion(record: Omit<LayerVersionRecord, 'version'>): Promise<LayerVersionRecord> {
    let entry = this.layers.get(record.layerName);
    if (!entry) {
      entry = { versions: new Map(), lastVersion: 0 };
      this.layers.set(record.layerName, entry);
    }
    entry.lastVersion += 1;
    const stored: LayerVersionRecord = { ...structuredClone(record), version: entry.lastVersion };
    entry.versions.set(stored.version, stored);
    return structuredClone(stored);
  }

  async getLayerVersion(name: string, version: number): Promise<LayerVersionRecord | undefined> {
    const record = this.layers.get(name)?.versions.get(version);
    return record && structuredClone(record);
  }

  async listLayerVersions(
    name: string,
    belowVersion: number | undefined,
    limit: number,
  ): Promise<LayerVersionRecord[]> {
    const below = belowVersion ?? Number.MAX_SAFE_INTEGER;
    return [...(this.layers.get(name)?.versions.values() ?? [])]
      .filter((record) => record.version < below)
      .sort((a, b) => b.version - a.version)
      .slice(0, Math.max(0, limit))
      .map((record) => structuredClone(record));
  }

  async listLayerNames(afterName: string | undefined, limit: number): Promise<string[]> {
    return [...this.layers.entries()]
      .filter(([name, entry]) => entry.versions.size > 0 && (afterName === undefined || name > afterName))
      .map(([name]) => name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, Math.max(0, limit));
  }

  async deleteLayerVersion(name: string, version: number): Promise<boolean> {
    return this.layers.get(name)?.versions.delete(version) ?? false;
  }

  async replaceLayerPolicy(
    name: string,
    version: number,
    expectedRevisionId: string,
    policy: LayerPolicy,
  ): Promise<boolean> {
    const versions = this.layers.get(name)?.versions;
    const current = versions?.get(version);
    if (!versions || !current || current.policy.revisionId !== expectedRevisionId) return false;
    versions.set(version, { ...current, policy: structuredClone(policy) });
    return true;
  }
}
