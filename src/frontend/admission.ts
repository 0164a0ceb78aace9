// Whether one more invocation of a function may start now. Pure, so the rules are a table test.
// Order as on Lambda (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html):
// provisioned environments first, then the function's reservation (a ceiling as well as a floor),
// and functions without a reservation share the account's unreserved pool.

export interface AdmissionInput {
  /** Provisioned concurrency configured for what is invoked (0 when none). */
  readonly provisioned: number;
  /** The function's reserved concurrency; undefined when it has none. */
  readonly reserved: number | undefined;
  /** Invocations of this function running now. */
  readonly running: number;
  /** Invocations of functions without a reservation running now. */
  readonly unreservedRunning: number;
  /** Account concurrency minus every reservation. */
  readonly unreservedCapacity: number;
}

export type Admission =
  | { readonly kind: 'admit'; readonly pool: 'provisioned' | 'reserved' | 'unreserved' }
  | {
      readonly kind: 'throttle';
      readonly reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';
    };

export function decideAdmission(input: AdmissionInput): Admission {
  if (input.running < input.provisioned) return { kind: 'admit', pool: 'provisioned' };
  if (input.reserved !== undefined) {
    return input.running < input.reserved
      ? { kind: 'admit', pool: 'reserved' }
      : { kind: 'throttle', reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' };
  }
  return input.unreservedRunning < input.unreservedCapacity
    ? { kind: 'admit', pool: 'unreserved' }
    : { kind: 'throttle', reason: 'ConcurrentInvocationLimitExceeded' };
}
