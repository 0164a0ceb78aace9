// What LogSink does when the log store fails an append, as pure decisions (table-tested in
// log-retry-policy.test.ts; the policy is written down in docs/logs.md, "When the store fails").
// A failure is either transient — the store may take the same lines a moment later (SQLITE_BUSY
// past the busy timeout, a worker restart, an I/O error, a full disk, anything unknown) — or a
// rejection of the lines themselves (a constraint, a value SQLite or the worker cannot take),
// which no retry can cure. Transient failures are retried with a doubling backoff for a bounded
// time; rejected batches are split until the one bad line is found and dropped alone.

export type AppendFailure = 'transient' | 'rejected';

export interface LogRetryPolicy {
  /** Wait before the first retry; doubled per failed attempt in a row… */
  readonly baseDelayMs: number;
  /** …up to this. */
  readonly maxDelayMs: number;
  /** A batch still failing this long after its first failure is dropped. */
  readonly retryForMs: number;
}

export const LOG_RETRY_POLICY: LogRetryPolicy = { baseDelayMs: 100, maxDelayMs: 5_000, retryForMs: 60_000 };

/** SQLite result codes (better-sqlite3's `code`) that say the lines themselves are at fault. */
const REJECTING_CODES = ['SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'SQLITE_TOOBIG', 'SQLITE_RANGE'];
/** Error names that say a value could not be bound or sent (a line that is not a string, …). */
const REJECTING_NAMES = ['TypeError', 'RangeError', 'DataCloneError'];

export function classifyAppendError(error: unknown): AppendFailure {
  if (typeof error !== 'object' || error === null) return 'transient';
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && REJECTING_CODES.some((c) => code === c || code.startsWith(`${c}_`))) {
    return 'rejected';
  }
  if (typeof name === 'string' && REJECTING_NAMES.includes(name)) return 'rejected';
  return 'transient';
}

export type RetryStep = { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

/**
 * After a transient failure: retry (and when), or give up on the batch.
 * `attempts` counts the failed attempts in a row, this one included; `failingForMs` is the time
 * since the first of them.
 */
export function nextRetry(attempts: number, failingForMs: number, policy: LogRetryPolicy): RetryStep {
  if (failingForMs >= policy.retryForMs) return { retry: false };
  const delayMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return { retry: true, delayMs: Math.min(delayMs, policy.retryForMs - failingForMs) };
}
