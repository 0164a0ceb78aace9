import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decideAfterAttempt,
  isExpired,
  LAMBDA_RETRY_DELAYS,
  scaledDelays,
  type AttemptResult,
  type Decision,
  type EventState,
} from './retry-policy.js';

const T0 = 1_000_000;
const SIX_HOURS = 21_600_000;
const defaults = { maximumRetryAttempts: 2, maximumEventAgeMs: SIX_HOURS };

interface Row {
  readonly name: string;
  readonly result: AttemptResult;
  readonly event: EventState;
  readonly now: number;
  readonly policy?: { maximumRetryAttempts: number; maximumEventAgeMs: number };
  readonly expected: Decision;
}

const rows: Row[] = [
  {
    name: 'success',
    result: 'success',
    event: { acceptedAt: T0, attempts: 1, throttles: 0 },
    now: T0,
    expected: { kind: 'succeeded' },
  },
  {
    name: '1st function error: 2nd attempt after 1 minute',
    result: 'function-error',
    event: { acceptedAt: T0, attempts: 1, throttles: 0 },
    now: T0 + 10,
    expected: { kind: 'retry', dueAt: T0 + 10 + 60_000, attempts: 1, throttles: 0 },
  },
  {
    name: '2nd function error: 3rd attempt after 2 more minutes',
    result: 'function-error',
    event: { acceptedAt: T0, attempts: 2, throttles: 0 },
    now: T0 + 60_000,
    expected: { kind: 'retry', dueAt: T0 + 180_000, attempts: 2, throttles: 0 },
  },
  {
    name: '3rd function error: RetriesExhausted with approximateInvokeCount 3',
    result: 'function-error',
    event: { acceptedAt: T0, attempts: 3, throttles: 0 },
    now: T0 + 180_000,
    expected: { kind: 'failed', condition: 'RetriesExhausted', invokeCount: 3 },
  },
  {
    name: 'MaximumRetryAttempts 0: the first error is final',
    result: 'function-error',
    event: { acceptedAt: T0, attempts: 1, throttles: 0 },
    now: T0,
    policy: { maximumRetryAttempts: 0, maximumEventAgeMs: SIX_HOURS },
    expected: { kind: 'failed', condition: 'RetriesExhausted', invokeCount: 1 },
  },
  {
    name: 'a retry that would start past the maximum age: EventAgeExceeded now',
    result: 'function-error',
    event: { acceptedAt: T0, attempts: 1, throttles: 0 },
    now: T0 + 1000,
    policy: { maximumRetryAttempts: 2, maximumEventAgeMs: 60_000 },
    expected: { kind: 'failed', condition: 'EventAgeExceeded', invokeCount: 1 },
  },
  {
    name: 'first throttle: back off 1 s, the claim is not an invocation',
    result: 'throttled',
    event: { acceptedAt: T0, attempts: 1, throttles: 0 },
    now: T0,
    expected: { kind: 'retry', dueAt: T0 + 1000, attempts: 0, throttles: 1 },
  },
  {
    name: 'fourth throttle in a row: 8 s',
    result: 'throttled',
    event: { acceptedAt: T0, attempts: 1, throttles: 3 },
    now: T0,
    expected: { kind: 'retry', dueAt: T0 + 8000, attempts: 0, throttles: 4 },
  },
  {
    name: 'throttle backoff is capped at 5 minutes',
    result: 'throttled',
    event: { acceptedAt: T0, attempts: 1, throttles: 12 },
    now: T0,
    expected: { kind: 'retry', dueAt: T0 + 300_000, attempts: 0, throttles: 13 },
  },
  {
    name: 'a system error backs off like a throttle and keeps earlier attempts',
    result: 'system-error',
    event: { acceptedAt: T0, attempts: 2, throttles: 1 },
    now: T0,
    expected: { kind: 'retry', dueAt: T0 + 2000, attempts: 1, throttles: 2 },
  },
  {
    name: 'throttled until the maximum age: EventAgeExceeded',
    result: 'throttled',
    event: { acceptedAt: T0, attempts: 1, throttles: 6 },
    now: T0 + 30_000,
    policy: { maximumRetryAttempts: 2, maximumEventAgeMs: 60_000 },
    expected: { kind: 'failed', condition: 'EventAgeExceeded', invokeCount: 0 },
  },
  {
    name: 'reserved concurrency 0: ZeroReservedConcurrency, no retries, count 0',
    result: 'zero-reserved',
    event: { acceptedAt: T0, attempts: 1, throttles: 0 },
    now: T0,
    expected: { kind: 'failed', condition: 'ZeroReservedConcurrency', invokeCount: 0 },
  },
  {
    name: 'function deleted: discarded',
    result: 'function-gone',
    event: { acceptedAt: T0, attempts: 1, throttles: 0 },
    now: T0,
    expected: { kind: 'discarded', reason: 'function-deleted' },
  },
];

void describe('decideAfterAttempt', () => {
  for (const row of rows) {
    void it(row.name, () => {
      assert.deepEqual(
        decideAfterAttempt(row.result, row.event, row.now, row.policy ?? defaults, LAMBDA_RETRY_DELAYS),
        row.expected,
      );
    });
  }

  void it('scaled delays shrink every wait by the same factor', () => {
    assert.deepEqual(scaledDelays(0.01), { functionErrorMs: [600, 1200], throttleBaseMs: 10, throttleMaxMs: 3000 });
  });

  void it('an event is expired from its maximum age on', () => {
    assert.equal(
      isExpired({ acceptedAt: T0 }, T0 + 59_999, { maximumRetryAttempts: 2, maximumEventAgeMs: 60_000 }),
      false,
    );
    assert.equal(
      isExpired({ acceptedAt: T0 }, T0 + 60_000, { maximumRetryAttempts: 2, maximumEventAgeMs: 60_000 }),
      true,
    );
  });
});
