// What the invoke path needs to know about functions, cached so that a warm invoke makes no store
// round trip: records by version, aliases, each function's reservation and provisioned concurrency
// (per version: a version's own configuration plus its share of an alias's), and the account's total
// of committed concurrency (reservations, and provisioned concurrency without one). The control plane
// calls drop(name) after every change; a read that a drop overtook while it was in flight is not
// cached, so nothing stale survives a change.
import type { AliasRecord } from '../control-plane/alias-record.js';
import type { FunctionRecord } from '../control-plane/function-record.js';
import type { FunctionStore } from '../storage/ports.js';
import { splitByWeights } from '../worker-manager/provisioned-plan.js';

/** A function's reservation and provisioned concurrency, as admission needs them. */
export interface FunctionLimits {
  readonly reserved: number | undefined;
  /** The sum of the function's provisioned concurrency configurations. */
  readonly provisionedTotal: number;
  /** Provisioned concurrency per version (absent: none). */
  readonly provisionedByVersion: ReadonlyMap<string, number>;
}

interface CachedFunction extends FunctionLimits {
  readonly records: Map<string, FunctionRecord>;
  readonly aliases: Map<string, AliasRecord>;
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

  /** A cached record, or undefined when it must be read (record()); lets a warm invoke skip an await. */
  cachedRecord(name: string, version: string): FunctionRecord | undefined {
    return this.functions.get(name)?.records.get(version);
  }

  /** Cached limits of `name`, or undefined when they must be read (limits()). */
  cachedLimits(name: string): FunctionLimits | undefined {
    return this.functions.get(name);
  }

  /** The cached account total, or undefined when it must be read (totalReservedConcurrency()). */
  cachedTotalReserved(): number | undefined {
    return this.totalReserved;
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

  /** The function's reservation and provisioned concurrency; call after record() found the function. */
  async limits(name: string): Promise<FunctionLimits> {
    const cached = this.functions.get(name) ?? (await this.entry(name, this.generation));
    if (cached) return cached;
    return { reserved: await this.store.reservedConcurrency(name), ...(await this.provisionedOf(name)) };
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
    const created = this.functions.get(name) ?? { records: new Map(), aliases: new Map(), reserved, ...provisioned };
    this.functions.set(name, created);
    return created;
  }

  /** Each configuration's environments go to a version: its own, or the alias's split by weight. */
  private async provisionedOf(name: string): Promise<Omit<FunctionLimits, 'reserved'>> {
    const configs = await this.store.listProvisionedConcurrency(name);
    const byVersion = new Map<string, number>();
    for (const config of configs) {
      const alias = /^[0-9]+$/.test(config.qualifier) ? undefined : await this.store.getAlias(name, config.qualifier);
      const shares = alias
        ? splitByWeights(config.requested, alias.functionVersion, alias.additionalVersionWeights)
        : [{ version: config.qualifier, count: config.requested }];
      for (const share of shares) byVersion.set(share.version, (byVersion.get(share.version) ?? 0) + share.count);
    }
    const provisionedTotal = configs.reduce((sum, config) => sum + config.requested, 0);
    return { provisionedTotal, provisionedByVersion: byVersion };
  }
}
