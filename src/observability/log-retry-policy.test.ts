import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAppendError, nextRetry, type LogRetryPolicy } from './log-retry-policy.js';

const coded = (name: string, code?: string): Error => Object.assign(new Error('x'), { name, code });

test('which append failures are retried and which reject the lines', () => {
  const cases: Array<[unknown, 'transient' | 'rejected']> = [
    [coded('SqliteError', 'SQLITE_BUSY'), 'transient'],
    [coded('SqliteError', 'SQLITE_BUSY_SNAPSHOT'), 'transient'],
    [coded('SqliteError', 'SQLITE_IOERR_WRITE'), 'transient'],
    [coded('SqliteError', 'SQLITE_FULL'), 'transient'],
    [coded('SqliteError', 'SQLITE_READONLY'), 'transient'],
    [new Error('The log store worker exited (code 1)'), 'transient'],
    ['a string', 'transient'],
    [undefined, 'transient'],
    [coded('SqliteError', 'SQLITE_CONSTRAINT_CHECK'), 'rejected'],
    [coded('SqliteError', 'SQLITE_CONSTRAINT'), 'rejected'],
    [coded('SqliteError', 'SQLITE_TOOBIG'), 'rejected'],
    [coded('SqliteError', 'SQLITE_MISMATCH'), 'rejected'],
    [coded('SqliteError', 'SQLITE_CONSTRAINTS'), 'transient'], // not a code, not a prefix match
    [coded('TypeError'), 'rejected'],
    [coded('RangeError'), 'rejected'],
    [coded('DataCloneError'), 'rejected'],
  ];
  for (const [error, expected] of cases) assert.equal(classifyAppendError(error), expected, String(error));
});

test('backoff doubles up to its maximum, and a batch failing past the window is given up', () => {
  const policy: LogRetryPolicy = { baseDelayMs: 100, maxDelayMs: 1_000, retryForMs: 10_000 };
  const cases: Array<[attempts: number, failingForMs: number, expected: ReturnType<typeof nextRetry>]> = [
    [1, 0, { retry: true, delayMs: 100 }],
    [2, 100, { retry: true, delayMs: 200 }],
    [4, 700, { retry: true, delayMs: 800 }],
    [5, 1_500, { retry: true, delayMs: 1_000 }],
    [40, 5_000, { retry: true, delayMs: 1_000 }],
    [12, 9_700, { retry: true, delayMs: 300 }], // the last retry falls on the window's end
    [13, 10_000, { retry: false }],
    [1, 20_000, { retry: false }], // one attempt that hung past the window
  ];
  for (const [attempts, failingForMs, expected] of cases) {
    assert.deepEqual(nextRetry(attempts, failingForMs, policy), expected, `${attempts} after ${failingForMs} ms`);
  }
});
