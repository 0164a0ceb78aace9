// Concurrency leases (LocalStack's counting_service): the count of running invocations per
// function (on demand), per version on provisioned concurrency, and in the unreserved pool. A lease
// is decided and counted in one synchronous step — no await between the check and the increment —
// so a burst can never overshoot a limit; it is given back in the same scoped block (`withLease`),
// so it cannot leak.
import { decideAdmission, type Admission } from './admission.js';

export interface LeaseLimits {
  /** Provisioned concurrency of the version invoked. */
  readonly provisioned: number;
  /** The function's provisioned concurrency over all its versions and aliases. */
  readonly provisionedTotal: number;
  readonly reserved: number | undefined;
  readonly unreservedCapacity: number;
}

export type Leased<T> = { readonly kind: 'ran'; readonly value: T } | Extract<Admission, { kind: 'throttle' }>;

export class ConcurrencyCounter {
  /** On-demand invocations per function. */
  private readonly onDemand = new Map<string, number>();
  /** Invocations on provisioned concurrency per `function\0version`. */
  private readonly provisioned = new Map<string, number>();
  private unreservedRunning = 0;

  /** Invocations of `functionName` running on demand now. */
  onDemandOf(functionName: string): number {
    return this.onDemand.get(functionName) ?? 0;
  }

  /** Invocations of one version running on its provisioned concurrency now. */
  provisionedOf(functionName: string, version: string): number {
    return this.provisioned.get(`${functionName}\0${version}`) ?? 0;
  }

  async withLease<T>(
    functionName: string,
    version: string,
    limits: LeaseLimits,
    use: () => Promise<T>,
  ): Promise<Leased<T>> {
    const versionKey = `${functionName}\0${version}`;
    // Each field named: an object spread followed by more properties cost ~4 µs here (Node 20's V8).
    const admission = decideAdmission({
      provisioned: limits.provisioned,
      provisionedTotal: limits.provisionedTotal,
      reserved: limits.reserved,
      unreservedCapacity: limits.unreservedCapacity,
      provisionedRunning: this.provisionedOf(functionName, version),
      onDemandRunning: this.onDemandOf(functionName),
      unreservedRunning: this.unreservedRunning,
    });
    if (admission.kind === 'throttle') return admission;
    const counts = admission.pool === 'provisioned' ? this.provisioned : this.onDemand;
    const key = admission.pool === 'provisioned' ? versionKey : functionName;
    const unreserved = admission.pool === 'unreserved';
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (unreserved) this.unreservedRunning += 1;
    try {
      return { kind: 'ran', value: await use() };
    } finally {
      const left = (counts.get(key) ?? 1) - 1;
      if (left === 0) counts.delete(key);
      else counts.set(key, left);
      if (unreserved) this.unreservedRunning -= 1;
    }
  }
}
