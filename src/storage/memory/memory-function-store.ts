// The in-memory FunctionStore: the fake used by unit tests, with the same semantics as SQLite.
// Every record handed in or out is copied, so callers never share an object with the store.
import type { AliasRecord } from '../../control-plane/alias-record.js';
import { LATEST, patchedRecord, type FunctionPatch, type FunctionRecord } from '../../control-plane/function-record.js';
import type { ProvisionedConcurrencyRecord } from '../../control-plane/provisioned-concurrency-record.js';
import type { FunctionStore, ProvisionResult, ReservationResult } from '../ports.js';

/** Everything stored about one function name. */
interface Entry {
  readonly versions: Map<string, FunctionRecord>;
  readonly aliases: Map<string, AliasRecord>;
  lastVersion: number;
  reserved: number | undefined;
  /** Provisioned concurrency by qualifier. */
  readonly provisioned: Map<string, ProvisionedConcurrencyRecord>;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class MemoryFunctionStore implements FunctionStore {
  private readonly functions = new Map<string, Entry>();

  async insert(record: FunctionRecord): Promise<boolean> {
    let entry = this.functions.get(record.name);
    if (entry?.versions.has(record.version)) return false;
    if (!entry) {
      entry = { versions: new Map(), aliases: new Map(), lastVersion: 0, reserved: undefined, provisioned: new Map() };
      this.functions.set(record.name, entry);
    }
    entry.versions.set(record.version, structuredClone(record));
    if (record.version !== LATEST) entry.lastVersion = Math.max(entry.lastVersion, Number(record.version));
    return true;
  }

  async get(name: string, version: string): Promise<FunctionRecord | undefined> {
    const record = this.functions.get(name)?.versions.get(version);
    return record && structuredClone(record);
  }

  async list(afterName: string | undefined, limit: number): Promise<FunctionRecord[]> {
    const names = [...this.functions.keys()].filter((name) => afterName === undefined || name > afterName).sort(byText);
    const page: FunctionRecord[] = [];
    for (const name of names) {
      if (page.length >= limit) break;
      const latest = this.functions.get(name)?.versions.get(LATEST);
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
    const versions = this.functions.get(name)?.versions;
    const current = versions?.get(version);
    if (!versions || !current || current.revisionId !== expectedRevisionId) return undefined;
    const updated = patchedRecord(current, structuredClone(patch), next);
    versions.set(version, updated);
    return structuredClone(updated);
  }

  async setTags(name: string, tags: Readonly<Record<string, string>>): Promise<boolean> {
    const versions = this.functions.get(name)?.versions;
    if (!versions) return false;
    for (const [version, record] of versions) {
      versions.set(version, { ...record, tags: { ...tags } });
    }
    return true;
  }

  async delete(name: string): Promise<boolean> {
    return this.functions.delete(name);
  }

  async insertNextVersion(record: Omit<FunctionRecord, 'version'>): Promise<FunctionRecord | undefined> {
    const entry = this.functions.get(record.name);
    if (!entry?.versions.has(LATEST)) return undefined;
    entry.lastVersion += 1;
    const stored: FunctionRecord = { ...structuredClone(record), version: String(entry.lastVersion) };
    entry.versions.set(stored.version, stored);
    return structuredClone(stored);
  }

  async listVersions(name: string, afterVersion: number, limit: number): Promise<FunctionRecord[]> {
    const versions = [...(this.functions.get(name)?.versions.values() ?? [])]
      .filter((record) => record.version !== LATEST && Number(record.version) > afterVersion)
      .sort((a, b) => Number(a.version) - Number(b.version));
    return versions.slice(0, Math.max(0, limit)).map((record) => structuredClone(record));
  }

  async lastVersion(name: string): Promise<FunctionRecord | undefined> {
    const [last] = (await this.listVersions(name, 0, Number.MAX_SAFE_INTEGER)).reverse();
    return last;
  }

  async deleteVersion(name: string, version: string): Promise<boolean> {
    const entry = this.functions.get(name);
    if (version === LATEST || !entry?.versions.delete(version)) return false;
    entry.provisioned.delete(version);
    return true;
  }

  async insertAlias(alias: AliasRecord): Promise<boolean> {
    const aliases = this.functions.get(alias.functionName)?.aliases;
    if (!aliases || aliases.has(alias.name)) return false;
    aliases.set(alias.name, structuredClone(alias));
    return true;
  }

  async getAlias(functionName: string, name: string): Promise<AliasRecord | undefined> {
    const alias = this.functions.get(functionName)?.aliases.get(name);
    return alias && structuredClone(alias);
  }

  async listAliases(functionName: string, afterName: string | undefined, limit: number): Promise<AliasRecord[]> {
    const aliases = [...(this.functions.get(functionName)?.aliases.values() ?? [])]
      .filter((alias) => afterName === undefined || alias.name > afterName)
      .sort((a, b) => byText(a.name, b.name));
    return aliases.slice(0, Math.max(0, limit)).map((alias) => structuredClone(alias));
  }

  async updateAlias(alias: AliasRecord, expectedRevisionId: string): Promise<boolean> {
    const aliases = this.functions.get(alias.functionName)?.aliases;
    if (aliases?.get(alias.name)?.revisionId !== expectedRevisionId) return false;
    aliases.set(alias.name, structuredClone(alias));
    return true;
  }

  async deleteAlias(functionName: string, name: string): Promise<boolean> {
    const entry = this.functions.get(functionName);
    if (!entry?.aliases.delete(name)) return false;
    entry.provisioned.delete(name);
    return true;
  }

  async reserveConcurrency(name: string, value: number, maxTotal: number): Promise<ReservationResult> {
    const entry = this.functions.get(name);
    if (!entry) return 'function-not-found';
    // No await between the checks and the write: two racing reservations cannot both pass.
    if (value < provisionedOf(entry)) return 'below-provisioned';
    if (this.committedExcept(name) + value > maxTotal) return 'over-limit';
    entry.reserved = value;
    return 'set';
  }

  async clearReservedConcurrency(name: string): Promise<boolean> {
    const entry = this.functions.get(name);
    if (!entry) return false;
    entry.reserved = undefined;
    return true;
  }

  async reservedConcurrency(name: string): Promise<number | undefined> {
    return this.functions.get(name)?.reserved;
  }

  async totalReservedConcurrency(): Promise<number> {
    return this.committedExcept(undefined);
  }

  async putProvisionedConcurrency(config: ProvisionedConcurrencyRecord, maxTotal: number): Promise<ProvisionResult> {
    const entry = this.functions.get(config.functionName);
    if (!entry?.versions.has(LATEST)) return 'function-not-found';
    const total = provisionedOf(entry, config.qualifier) + config.requested;
    if (entry.reserved !== undefined && total > entry.reserved) return 'over-reserved';
    if (entry.reserved === undefined && this.committedExcept(config.functionName) + total > maxTotal) {
      return 'over-limit';
    }
    entry.provisioned.set(config.qualifier, { ...config });
    return 'set';
  }

  async getProvisionedConcurrency(
    functionName: string,
    qualifier: string,
  ): Promise<ProvisionedConcurrencyRecord | undefined> {
    const config = this.functions.get(functionName)?.provisioned.get(qualifier);
    return config && { ...config };
  }

  async listProvisionedConcurrency(
    functionName: string | undefined,
    afterQualifier = '',
    limit = Number.MAX_SAFE_INTEGER,
  ): Promise<ProvisionedConcurrencyRecord[]> {
    if (functionName === undefined) {
      const names = [...this.functions.keys()].sort(byText);
      return names.flatMap((name) => sortedConfigs(this.functions.get(name)));
    }
    return sortedConfigs(this.functions.get(functionName))
      .filter((config) => config.qualifier > afterQualifier)
      .slice(0, Math.max(0, limit));
  }

  async deleteProvisionedConcurrency(functionName: string, qualifier: string): Promise<boolean> {
    return this.functions.get(functionName)?.provisioned.delete(qualifier) ?? false;
  }

  /** Every function's committed concurrency (its reservation, else its provisioned total) but `except`'s. */
  private committedExcept(except: string | undefined): number {
    let total = 0;
    for (const [name, entry] of this.functions) {
      if (name !== except) total += entry.reserved ?? provisionedOf(entry);
    }
    return total;
  }
}

function provisionedOf(entry: Entry, exceptQualifier?: string): number {
  let total = 0;
  for (const config of entry.provisioned.values()) {
    if (config.qualifier !== exceptQualifier) total += config.requested;
  }
  return total;
}

function sortedConfigs(entry: Entry | undefined): ProvisionedConcurrencyRecord[] {
  const configs = [...(entry?.provisioned.values() ?? [])].sort((a, b) => byText(a.qualifier, b.qualifier));
  return configs.map((config) => ({ ...config }));
}
