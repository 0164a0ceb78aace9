// The bounded queue of invocations waiting for room (memory or a sandbox slot), like a workload
// manager's queue with a wait timeout. First in, first served when room appears; a caller that
// cannot be served within the wait, or finds the queue full, is throttled (429). The queue never
// holds more than `maxLength` waiters, so overload shows as throttles instead of growing latency.

export interface QueueLimits {
  /** Most invocations waiting at once; 0 turns the queue off (throttle at once). */
  readonly maxLength: number;
  /** Longest wait (ms) before a waiter is throttled; 0 turns the queue off. */
  readonly maxWaitMs: number;
}

/** Whether one more caller may wait. */
export function mayEnqueue(length: number, limits: QueueLimits): boolean {
  return limits.maxWaitMs > 0 && length < limits.maxLength;
}

/** FIFO with removal from the middle (a waiter that timed out, or was served out of turn). */
export class CapacityQueue<T> {
  private readonly waiting = new Set<T>();

  get length(): number {
    return this.waiting.size;
  }

  add(waiter: T): void {
    this.waiting.add(waiter);
  }

  /** Removes the waiter; false when it had already left. */
  remove(waiter: T): boolean {
    return this.waiting.delete(waiter);
  }

  /** Waiters in arrival order (a copy: serving one may remove others). */
  inOrder(): T[] {
    return [...this.waiting];
  }
}
