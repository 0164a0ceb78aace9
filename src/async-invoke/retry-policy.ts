// What happens to an async event after an attempt, as a pure decision (table-tested in
// retry-policy.test.ts). Lambda's rules (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html):
// function errors (the handler's, the runtime's, timeouts) are retried MaximumRetryAttempts
// times (default 2), 1 minute before the second attempt and 2 minutes before the third;
// throttles and system errors are retried with a backoff growing exponentially from 1 second to
// 5 minutes; nothing runs past MaximumEventAgeInSeconds (default 6 h). Like Lambda (and
// LocalStack's AWS-validated tests), a retry that would start past the event's maximum age
// is not scheduled: the event fails with EventAgeExceeded at once.

/** Lambda's failure conditions in the invocation record. */
export type FailureCondition = 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

/** What an attempt came to, as far as the retry policy cares. */
export type AttemptResult =
  | 'success'
  /** Handler or runtime error, init error, timeout, crash. */
  | 'function-error'
  /** 429 from the front end (concurrency, scaling rate, capacity). */
  | 'throttled'
  /** The platform could not run it (5xx, function Pending or updating): retried like a throttle. */
  | 'system-error'
  /** Throttled because the function's reserved concurrency is 0: fails at once, no retries. */
  | 'zero-reserved'
  /** The function (or the qualifier) no longer exists. */
  | 'function-gone';

export interface RetryPolicy {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeMs: number;
}

export interface RetryDelays {
  /** Wait before the 2nd, 3rd, … attempt after a function error (Lambda: 60 s, 120 s). */
  readonly functionErrorMs: readonly number[];
  /** First throttle backoff (Lambda: 1 s), doubled per throttle in a row up to `throttleMaxMs` (5 min). */
  readonly throttleBaseMs: number;
  readonly throttleMaxMs: number;
}

export const LAMBDA_RETRY_DELAYS: RetryDelays = {
  functionErrorMs: [60_000, 120_000],
  throttleBaseMs: 1_000,
  throttleMaxMs: 300_000,
};

/** Lambda's delays multiplied by `scale` (HEARTH_ASYNC_RETRY_SCALE; tests use small scales). */
export function scaledDelays(scale: number): RetryDelays {
  return {
    functionErrorMs: LAMBDA_RETRY_DELAYS.functionErrorMs.map((ms) => ms * scale),
    throttleBaseMs: LAMBDA_RETRY_DELAYS.throttleBaseMs * scale,
    throttleMaxMs: LAMBDA_RETRY_DELAYS.throttleMaxMs * scale,
  };
}

export interface EventState {
  readonly acceptedAt: number;
  /** Attempts started so far, the one that just ended included. */
  readonly attempts: number;
  /** Throttles and system errors in a row before this attempt. */
  readonly throttles: number;
}

export type Decision =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'retry'; readonly dueAt: number; readonly attempts: number; readonly throttles: number }
  | { readonly kind: 'failed'; readonly condition: FailureCondition; readonly invokeCount: number }
  | { readonly kind: 'discarded'; readonly reason: 'function-deleted' };

/** Whether an event claimed at `now` may still run. */
export function isExpired(event: Pick<EventState, 'acceptedAt'>, now: number, policy: RetryPolicy): boolean {
  return now - event.acceptedAt >= policy.maximumEventAgeMs;
}

export function decideAfterAttempt(
  result: AttemptResult,
  event: EventState,
  now: number,
  policy: RetryPolicy,
  delays: RetryDelays,
): Decision {
  const expiresAt = event.acceptedAt + policy.maximumEventAgeMs;
  switch (result) {
    case 'success':
      return { kind: 'succeeded' };
    case 'function-gone':
      return { kind: 'discarded', reason: 'function-deleted' };
    case 'zero-reserved':
      return { kind: 'failed', condition: 'ZeroReservedConcurrency', invokeCount: 0 };
    case 'function-error': {
      if (event.attempts > policy.maximumRetryAttempts) {
        return { kind: 'failed', condition: 'RetriesExhausted', invokeCount: event.attempts };
      }
      const waits = delays.functionErrorMs;
      const wait = waits[Math.min(event.attempts - 1, waits.length - 1)] ?? 0;
      const dueAt = now + wait;
      if (dueAt >= expiresAt) return { kind: 'failed', condition: 'EventAgeExceeded', invokeCount: event.attempts };
      return { kind: 'retry', dueAt, attempts: event.attempts, throttles: 0 };
    }
    case 'throttled':
    case 'system-error': {
      // Not an invocation: the attempt the claim counted is given back.
      const attempts = Math.max(0, event.attempts - 1);
      const wait = Math.min(delays.throttleMaxMs, delays.throttleBaseMs * 2 ** Math.min(event.throttles, 30));
      const dueAt = now + wait;
      if (dueAt >= expiresAt) return { kind: 'failed', condition: 'EventAgeExceeded', invokeCount: attempts };
      return { kind: 'retry', dueAt, attempts, throttles: event.throttles + 1 };
    }
    default: {
      const never: never = result;
      throw new Error(`unknown attempt result ${String(never)}`);
    }
  }
}
