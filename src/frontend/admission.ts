// Whether one more invocation of a function may start now. Pure, so the rules are a table test.
// Order as on Lambda (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html):
// the invoked version's provisioned environments first, then the function's reservation (a ceiling
// as well as a floor), and functions without a reservation share the account's unreserved pool.
// Provisioned concurrency belongs to a version (its own configuration, or its share of an alias's):
// invocations of another version or of $LATEST never use it. It is allocated out of the function's
// reservation, or out of the account when there is none (ClaimedAccountConcurrency counts reserved
// plus provisioned concurrency, https://docs.aws.amazon.com/lambda/latest/dg/monitoring-concurrency.html),
// so on-demand invocations of a function with a reservation get what provisioning leaves of it.

export interface AdmissionInput {
  /** Provisioned concurrency of the version invoked (0 when none). */
  readonly provisioned: number;
  /** Invocations of that version running on its provisioned concurrency now. */
  readonly provisionedRunning: number;
  /** The function's provisioned concurrency over all its versions and aliases. */
  readonly provisionedTotal: number;
  /** The function's reserved concurrency; undefined when it has none. */
  readonly reserved: number | undefined;
  /** Invocations of this function running on demand (not on provisioned concurrency) now. */
  readonly onDemandRunning: number;
  /** On-demand invocations of functions without a reservation running now. */
  readonly unreservedRunning: number;
  /** Account concurrency minus every reservation and the provisioned concurrency outside them. */
  readonly unreservedCapacity: number;
}

export type Admission =
  | { readonly kind: 'admit'; readonly pool: 'provisioned' | 'reserved' | 'unreserved' }
  | {
      readonly kind: 'throttle';
      readonly reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';
    };

export function decideAdmission(input: AdmissionInput): Admission {
  if (input.provisionedRunning < input.provisioned) return { kind: 'admit', pool: 'provisioned' };
  if (input.reserved !== undefined) {
    return input.onDemandRunning < input.reserved - input.provisionedTotal
      ? { kind: 'admit', pool: 'reserved' }
      : { kind: 'throttle', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' };
  }
  return input.unreservedRunning < input.unreservedCapacity
    ? { kind: 'admit', pool: 'unreserved' }
    : { kind: 'throttle', reason: 'ConcurrentInvocationLimitExceeded' };
}
