// The bounded queue of invocations waiting for room (memory or a sandbox slot), like a workload
// manager's queue with a wait timeout. When room may have appeared (offer()), waiters are tried
// first come, first served; one that cannot be served yet does not block the ones behind it.
// A caller that finds the queue full, or whose wait runs out, gets the refusal (a 429). The queue
// never holds more than `maxLength` waiters, so overload shows as throttles, not growing latency.

export interface QueueLimits {
  /** Most invocations waiting at once; 0 turns the queue off (refuse at once). */
  readonly maxLength: number;
  /** Longest wait (ms) before a waiter is refused; 0 turns the queue off. */
  readonly maxWaitMs: number;
}

/** Whether one more caller may wait. */
export function mayEnqueue(length: number, limits: QueueLimits): boolean {
  return limits.maxWaitMs > 0 && length < limits.maxLength;
}

export interface CapacityQueueDeps<R, G> {
  readonly limits: QueueLimits;
  /** Tries to serve a waiting request now; undefined keeps it waiting. Must decide synchronously. */
  readonly tryServe: (request: R) => G | undefined;
  /** What a refused waiter gets. */
  readonly refusal: () => G;
  /** A waiter left after `waitedMs` with `grant` (served, or the refusal: wait over, queue closed). */
  readonly onLeave?: (waitedMs: number, grant: G) => void;
  readonly now?: () => number;
}

interface Waiter<R, G> {
  readonly request: R;
  readonly since: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (grant: G) => void;
}

export class CapacityQueue<R, G> {
  /** Insertion order is arrival order. */
  private readonly waiting = new Set<Waiter<R, G>>();
  private offered = false;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly deps: CapacityQueueDeps<R, G>) {
    this.now = deps.now ?? Date.now;
  }

  get length(): number {
    return this.waiting.size;
  }

  /** Waits until `tryServe` serves the request, or resolves to the refusal (queue full, wait over). */
  wait(request: R): Promise<G> {
    if (this.closed || !mayEnqueue(this.waiting.size, this.deps.limits)) return Promise.resolve(this.deps.refusal());
    return new Promise<G>((resolve) => {
      const waiter: Waiter<R, G> = {
        request,
        since: this.now(),
        resolve,
        timer: setTimeout(() => this.leave(waiter, this.deps.refusal()), this.deps.limits.maxWaitMs),
      };
      this.waiting.add(waiter);
    });
  }

  /**
   * Room may have appeared: try the waiters, in arrival order, once the current synchronous step
   * is over (so a decision under way — a grant that evicts — completes before anyone else decides).
   */
  offer(): void {
    if (this.offered || this.waiting.size === 0) return;
    this.offered = true;
    queueMicrotask(() => {
      this.offered = false;
      if (this.closed) return;
      for (const waiter of [...this.waiting]) {
        const grant = this.deps.tryServe(waiter.request);
        if (grant !== undefined) this.leave(waiter, grant);
      }
    });
  }

  /** Refuses every waiter and every later caller (shutdown). */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiting]) this.leave(waiter, this.deps.refusal());
  }

  private leave(waiter: Waiter<R, G>, grant: G): void {
    if (!this.waiting.delete(waiter)) return;
    clearTimeout(waiter.timer);
    this.deps.onLeave?.(this.now() - waiter.since, grant);
    waiter.resolve(grant);
  }
}
