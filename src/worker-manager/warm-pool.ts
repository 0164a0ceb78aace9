// The pool of sandboxes on this host and the pure decisions over it (after OpenWhisk's
// ContainerPool.schedule): which idle sandbox serves a request, which may be evicted (the order is
// capacity-plan.ts's), which expired.
// A sandbox serves only its exact key — function, version and configuration revision — as on
// Lambda ("never reused across different function versions"; a revision change means new code or
// configuration, so new sandboxes). Sandboxes kept for provisioned concurrency serve first and are
// never expired or evicted: they go only when their configuration no longer wants them.

import type { EvictionCandidate } from './capacity-plan.js';

export interface SandboxKey {
  readonly functionName: string;
  readonly version: string;
  readonly revisionId: string;
}

export interface PoolEntry<T> {
  readonly key: SandboxKey;
  readonly sandbox: T;
  busy: boolean;
  /** Clock time (ms) of the last release; creation time until first use. */
  lastUsedAt: number;
  /** Set when the function changed or was deleted while this sandbox was busy. */
  retired: boolean;
  /** The provisioned concurrency target (worker-manager/provisioned-plan.ts) this sandbox is kept for. */
  provisionedFor?: string | undefined;
  /** Its MemorySize, reserved in the host's sandbox memory budget while it is in the pool. */
  readonly memoryMb: number;
  /** How long its init took (ms); 0 until initialised. What evicting it would cost the next caller. */
  initCostMs: number;
}

export function sameKey(a: SandboxKey, b: SandboxKey): boolean {
  return a.functionName === b.functionName && a.version === b.version && a.revisionId === b.revisionId;
}

/**
 * The idle sandbox of exactly this key to use: a provisioned one first (Lambda serves from
 * provisioned concurrency before scaling on demand), then the most recently used (warmest caches).
 */
export function selectWarm<T>(entries: readonly PoolEntry<T>[], key: SandboxKey): PoolEntry<T> | undefined {
  let best: PoolEntry<T> | undefined;
  for (const entry of entries) {
    if (entry.busy || entry.retired || !sameKey(entry.key, key)) continue;
    if (best === undefined || preferred(entry, best)) best = entry;
  }
  return best;
}

function preferred<T>(a: PoolEntry<T>, b: PoolEntry<T>): boolean {
  const provisionedA = a.provisionedFor !== undefined;
  const provisionedB = b.provisionedFor !== undefined;
  if (provisionedA !== provisionedB) return provisionedA;
  return a.lastUsedAt > b.lastUsedAt;
}

/** Idle on-demand sandboxes that may be evicted to make room (provisioned ones never are). */
export function evictionCandidates<T>(
  entries: readonly PoolEntry<T>[],
  now: number,
): EvictionCandidate<PoolEntry<T>>[] {
  return entries
    .filter((entry) => !entry.busy && !entry.retired && entry.provisionedFor === undefined)
    .map((entry) => ({
      item: entry,
      memoryMb: entry.memoryMb,
      idleMs: Math.max(0, now - entry.lastUsedAt),
      initCostMs: entry.initCostMs,
    }));
}

/** Idle on-demand sandboxes whose keep-alive ran out (provisioned ones have none). */
export function selectExpired<T>(entries: readonly PoolEntry<T>[], now: number, idleTimeoutMs: number): PoolEntry<T>[] {
  return entries.filter(
    (entry) => !entry.busy && entry.provisionedFor === undefined && now - entry.lastUsedAt >= idleTimeoutMs,
  );
}

/** Sandboxes of the same function and version built from another revision: never to be used again. */
export function selectStale<T>(entries: readonly PoolEntry<T>[], key: SandboxKey): PoolEntry<T>[] {
  return entries.filter(
    (entry) =>
      entry.key.functionName === key.functionName &&
      entry.key.version === key.version &&
      entry.key.revisionId !== key.revisionId,
  );
}

/** The entries of one host, indexed by function name so selection scans one function's list. */
export class WarmPool<T> {
  private readonly byFunction = new Map<string, PoolEntry<T>[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  entriesOf(functionName: string): readonly PoolEntry<T>[] {
    return this.byFunction.get(functionName) ?? [];
  }

  all(): PoolEntry<T>[] {
    return [...this.byFunction.values()].flat();
  }

  add(entry: PoolEntry<T>): void {
    const list = this.byFunction.get(entry.key.functionName);
    if (list === undefined) this.byFunction.set(entry.key.functionName, [entry]);
    else list.push(entry);
    this.count += 1;
  }

  /** Removes the entry; false when it was already gone. */
  remove(entry: PoolEntry<T>): boolean {
    const list = this.byFunction.get(entry.key.functionName);
    const index = list?.indexOf(entry) ?? -1;
    if (list === undefined || index === -1) return false;
    list.splice(index, 1);
    if (list.length === 0) this.byFunction.delete(entry.key.functionName);
    this.count -= 1;
    return true;
  }
}
