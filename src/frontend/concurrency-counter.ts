// Concurrency leases (LocalStack's counting_service): the count of running invocations per function
// and in the unreserved pool. A lease is decided and counted in one synchronous step — no await
// between the check and the increment — so a burst can never overshoot a limit; it is given back
// in the same scoped block (`withLease`), so it cannot leak.
import { decideAdmission, type Admission } from './admission.js';

export interface LeaseLimits {
  readonly provisioned: number;
  readonly reserved: number | undefined;
  readonly unreservedCapacity: number;
}

export type Leased<T> = { readonly kind: 'ran'; readonly value: T } | Extract<Admission, { kind: 'throttle' }>;

export class ConcurrencyCounter {
  private readonly running = new Map<string, number>();
  private unreservedRunning = 0;

  /** Invocations of `functionName` running now. */
  runningOf(functionName: string): number {
    return this.running.get(functionName) ?? 0;
  }

  async withLease<T>(functionName: string, limits: LeaseLimits, use: () => Promise<T>): Promise<Leased<T>> {
    const admission = decideAdmission({
      ...limits,
      running: this.runningOf(functionName),
      unreservedRunning: this.unreservedRunning,
    });
    if (admission.kind === 'throttle') return admission;
    const unreserved = admission.pool === 'unreserved';
    this.running.set(functionName, this.runningOf(functionName) + 1);
    if (unreserved) this.unreservedRunning += 1;
    try {
      return { kind: 'ran', value: await use() };
    } finally {
      const left = this.runningOf(functionName) - 1;
      if (left === 0) this.running.delete(functionName);
      else this.running.set(functionName, left);
      if (unreserved) this.unreservedRunning -= 1;
    }
  }
}
