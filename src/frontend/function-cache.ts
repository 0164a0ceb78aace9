// What the invoke path needs to know about functions, cached so that a warm invoke makes no store
// round trip: records by version, aliases, each function's reservation and provisioned total, and
// the account's total of committed concurrency (reservations, and provisioned concurrency without one). The control plane calls drop(name) after every change; a read that a drop
// overtook while it was in flight is not cached, so nothing stale survives a change.
import type { AliasRecord } from '../control-plane/alias-record.js';
import type { FunctionRecord } from '../control-plane/function-record.js';
import type { FunctionStore } from '../storage/ports.js';

interface CachedFunction {
  readonly records: Map<string, FunctionRecord>;
  readonly aliases: Map<string, AliasRecord>;
  readonly reserved: number | undefined;
  /** The sum of the function's provisioned concurrency configurations. */
  readonly provisioned: number;
}

export type CacheStore = Pick<
  FunctionStore,
  'get' | 'getAlias' | 'reservedConcurrency' | 'totalReservedConcurrency' | 'listProvisionedConcurrency'
>;

export class FunctionCache {
  private readonly functions = new Map<string, CachedFunction>();
  private totalReserved: number | undefined;
  private generation = 0;

  constructor(private readonly store: CacheStore) {}

  drop(name: string): void {
    this.functions.delete(name);
    this.totalReserved = undefined;
    this.generation += 1;
  }

  async record(name: string, version: string): Promise<FunctionRecord | undefined> {
    const cached = this.functions.get(name)?.records.get(version);
    if (cached) return cached;
    const generation = this.generation;
    const record = await this.store.get(name, version);
    if (record) (await this.entry(name, generation))?.records.set(version, record);
    return record;
  }

  async alias(name: string, aliasName: string): Promise<AliasRecord | undefined> {
    const cached = this.functions.get(name)?.aliases.get(aliasName);
    if (cached) return cached;
    const generation = this.generation;
    const alias = await this.store.getAlias(name, aliasName);
    if (alias) (await this.entry(name, generation))?.aliases.set(aliasName, alias);
    return alias;
  }

  /** The function's reservation and provisioned total; call after record() found the function. */
  async limits(name: string): Promise<{ reserved: number | undefined; provisioned: number }> {
    const cached = this.functions.get(name) ?? (await this.entry(name, this.generation));
    if (cached) return cached;
    return { reserved: await this.store.reservedConcurrency(name), provisioned: await this.provisionedOf(name) };
  }

  async totalReservedConcurrency(): Promise<number> {
    if (this.totalReserved !== undefined) return this.totalReserved;
    const generation = this.generation;
    const total = await this.store.totalReservedConcurrency();
    if (generation === this.generation) this.totalReserved = total;
    return total;
  }

  /** The cache entry of `name`, created (with its reservation read) if no drop() came since `generation`. */
  private async entry(name: string, generation: number): Promise<CachedFunction | undefined> {
    const existing = this.functions.get(name);
    if (existing || generation !== this.generation) return existing;
    const reserved = await this.store.reservedConcurrency(name);
    const provisioned = await this.provisionedOf(name);
    if (generation !== this.generation) return undefined;
    const created = this.functions.get(name) ?? { records: new Map(), aliases: new Map(), reserved, provisioned };
    this.functions.set(name, created);
    return created;
  }

  private async provisionedOf(name: string): Promise<number> {
    const configs = await this.store.listProvisionedConcurrency(name);
    return configs.reduce((sum, config) => sum + config.requested, 0);
  }
}
