// Provisioned concurrency as pure decisions: how a configuration's N environments split between
// an alias's versions, which kept sandboxes to let go and how many to start, and the Status the
// API reports. The worker manager applies them (provisioned-fleet.ts).
// https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html
import { sameKey, type PoolEntry, type SandboxKey } from './warm-pool.js';

/** The version that gets `count` of a configuration's environments. */
export interface VersionShare {
  readonly version: string;
  readonly count: number;
}

/**
 * An alias with weighted routing gets its provisioned concurrency split by the weights (Lambda:
 * "distributes provisioned concurrency between the versions" during canary and linear shifts);
 * the extra version gets round(N × weight), the primary the rest. Versions with none are left out.
 */
export function splitByWeights(
  requested: number,
  primaryVersion: string,
  weights: Readonly<Record<string, number>>,
): VersionShare[] {
  const extra = Object.entries(weights).map(([version, weight]) => ({
    version,
    count: Math.min(requested, Math.round(requested * weight)),
  }));
  const primary = { version: primaryVersion, count: requested - extra.reduce((sum, share) => sum + share.count, 0) };
  return [primary, ...extra].filter((share) => share.count > 0);
}

export interface KeyCount {
  readonly key: SandboxKey;
  readonly count: number;
}

export interface FleetPlan<T> {
  /** Kept sandboxes no longer wanted: of a key not desired, or beyond a key's count (idle ones first). */
  readonly release: PoolEntry<T>[];
  /** How many more to start per key. */
  readonly start: KeyCount[];
}

/** Compares what a configuration wants with the sandboxes kept for it (`held`, starting ones included). */
export function planFleet<T>(desired: readonly KeyCount[], held: readonly PoolEntry<T>[]): FleetPlan<T> {
  const release: PoolEntry<T>[] = held.filter(
    (entry) => entry.retired || !desired.some((want) => sameKey(want.key, entry.key)),
  );
  const start: KeyCount[] = [];
  for (const want of desired) {
    const have = held.filter((entry) => !entry.retired && sameKey(entry.key, want.key));
    if (have.length < want.count) start.push({ key: want.key, count: want.count - have.length });
    // Idle ones go first, so a shrink never waits on a running invocation if it need not.
    const surplus = [...have]
      .sort((a, b) => Number(a.busy) - Number(b.busy))
      .slice(0, Math.max(0, have.length - want.count));
    release.push(...surplus);
  }
  return { release, start };
}

export type ProvisionedStatus = 'IN_PROGRESS' | 'READY' | 'FAILED';

export interface ProvisionedState {
  readonly status: ProvisionedStatus;
  readonly statusReason: string | undefined;
  /** Initialised environments of the configuration's current versions. */
  readonly available: number;
  /** Initialised environments kept for the configuration, including ones of a version it moved away from. */
  readonly allocated: number;
}

/** FAILED once an allocation failed; READY when every requested environment is initialised. */
export function provisionedState(
  requested: number,
  available: number,
  allocated: number,
  failure: string | undefined,
): ProvisionedState {
  // A surplus sandbox (briefly possible while an alias moves) is let go on the next fill; what
  // the configuration offers is never more than it asked for.
  const offered = Math.min(available, requested);
  if (failure !== undefined) return { status: 'FAILED', statusReason: failure, available: offered, allocated };
  const status = offered >= requested ? 'READY' : 'IN_PROGRESS';
  return { status, statusReason: undefined, available: offered, allocated };
}
