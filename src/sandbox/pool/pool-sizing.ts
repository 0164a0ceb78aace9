// How many pre-started sandboxes to keep ready for one kind (pool-key.ts), as a pure function of
// recent demand: as many as there were starts of that kind in the last window, at least one while
// the kind is in use, at most the configured cap (HEARTH_POOL_SIZE), and none once it has not been
// asked for in the idle period — an unused runtime costs no memory.

export interface PoolSizing {
  /** Most ready sandboxes per kind; 0 disables the pool. */
  readonly max: number;
  /** Demand is counted over this window. */
  readonly windowMs: number;
  /** No demand for this long: keep none. */
  readonly idleMs: number;
}

export const DEFAULT_POOL_SIZING: Omit<PoolSizing, 'max'> = { windowMs: 10_000, idleMs: 10 * 60_000 };

/** `demand`: times (ms) a sandbox of this kind was asked for, any order. */
export function poolTarget(sizing: PoolSizing, demand: readonly number[], now: number): number {
  if (sizing.max <= 0 || demand.length === 0) return 0;
  const last = Math.max(...demand);
  if (now - last > sizing.idleMs) return 0;
  const recent = demand.filter((at) => now - at <= sizing.windowMs).length;
  return Math.min(sizing.max, Math.max(1, recent));
}

/** The demand worth keeping: what still counts in the window, and the last time for the idle rule. */
export function pruneDemand(sizing: PoolSizing, demand: readonly number[], now: number): number[] {
  if (demand.length === 0) return [];
  const kept = demand.filter((at) => now - at <= sizing.windowMs);
  if (kept.length > 0) return kept;
  const last = Math.max(...demand);
  return now - last > sizing.idleMs ? [] : [last];
}
