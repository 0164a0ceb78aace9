// Room for one more sandbox on this host, as pure decisions. Two limits apply together: the
// sandbox memory budget (every sandbox counts its MemorySize from the moment it is granted until
// its teardown has begun; memory is never overcommitted) and the count cap (HEARTH_MAX_SANDBOXES).
// When a new sandbox does not fit, idle on-demand sandboxes are evicted, least valuable first;
// provisioned ones are never evicted. When evicting every idle one would still not make room, the
// caller waits (capacity-queue.ts) rather than evict anything for nothing.

export interface EvictionCandidate<T> {
  readonly item: T;
  readonly memoryMb: number;
  /** How long it has been idle (ms). */
  readonly idleMs: number;
  /** What re-creating it would cost: its measured Init Duration (ms). */
  readonly initCostMs: number;
}

/**
 * Least valuable first. A warm sandbox is worth the init it saves the next caller (initCostMs),
 * discounted by how long nobody has needed it (idleMs): value = initCostMs / idleMs. So among equal
 * inits the longest idle goes first (LRU, matrix row C6), among equal idle times the cheapest to
 * re-create goes first. Ties: the longer idle, then the larger (it frees more memory).
 */
export function evictionOrder<T>(candidates: readonly EvictionCandidate<T>[]): EvictionCandidate<T>[] {
  const value = (c: EvictionCandidate<T>): number => Math.max(c.initCostMs, 1) / Math.max(c.idleMs, 1);
  return [...candidates].sort((a, b) => value(a) - value(b) || b.idleMs - a.idleMs || b.memoryMb - a.memoryMb);
}

export interface RoomRequest<T> {
  /** MemorySize of the sandbox to start. */
  readonly needMb: number;
  readonly budgetMb: number;
  /** Memory granted to sandboxes now (starting, idle and busy). */
  readonly reservedMb: number;
  /** Sandboxes now (starting, idle and busy). */
  readonly count: number;
  readonly maxCount: number;
  /** Idle sandboxes that may be evicted (never provisioned ones). */
  readonly candidates: readonly EvictionCandidate<T>[];
}

export type Room<T> =
  /** Start it now. */
  | { readonly kind: 'fits' }
  /** Start it once these are gone. */
  | { readonly kind: 'evict'; readonly victims: T[] }
  /** Not now: everything that could make room is busy. */
  | { readonly kind: 'wait' }
  /** Never: it is larger than the whole budget. */
  | { readonly kind: 'never' };

export function decideRoom<T>(request: RoomRequest<T>): Room<T> {
  const { needMb, budgetMb, maxCount } = request;
  if (needMb > budgetMb || maxCount < 1) return { kind: 'never' };
  let freeMb = budgetMb - request.reservedMb;
  let count = request.count;
  const fits = (): boolean => needMb <= freeMb && count < maxCount;
  if (fits()) return { kind: 'fits' };
  const victims: T[] = [];
  for (const candidate of evictionOrder(request.candidates)) {
    victims.push(candidate.item);
    freeMb += candidate.memoryMb;
    count -= 1;
    if (fits()) return { kind: 'evict', victims };
  }
  return { kind: 'wait' };
}
