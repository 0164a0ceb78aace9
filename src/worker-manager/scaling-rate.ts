// The per-function scaling rate, as Lambda's: each function may add at most N new execution
// environments per 10 seconds (N = 1,000 on Lambda), refilled continuously and never banked past N
// ("Lambda makes a best attempt to refill your concurrency scaling rate continuously … it doesn't
// accumulate unused portions"). A token bucket: capacity N, refill N per 10 s; a new on-demand
// sandbox takes one token, a warm invoke takes none.
// https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html

export const SCALING_WINDOW_MS = 10_000;

export interface Bucket {
  /** Tokens left (fractional while refilling). */
  readonly tokens: number;
  /** Clock time (ms) `tokens` was computed at. */
  readonly at: number;
}

export type Take =
  | { readonly taken: true; readonly bucket: Bucket }
  /** No token: the next one arrives in `waitMs`. */
  | { readonly taken: false; readonly bucket: Bucket; readonly waitMs: number };

/** Takes one token from `bucket` (undefined: a function that never scaled, so a full bucket). */
export function takeToken(bucket: Bucket | undefined, now: number, perWindow: number): Take {
  const refilled = bucket === undefined ? perWindow : refill(bucket, now, perWindow);
  if (refilled >= 1) return { taken: true, bucket: { tokens: refilled - 1, at: now } };
  const waitMs = Math.ceil(((1 - refilled) * SCALING_WINDOW_MS) / perWindow);
  return { taken: false, bucket: { tokens: refilled, at: now }, waitMs };
}

/** True when the bucket is back to full and can be forgotten. */
export function isFull(bucket: Bucket, now: number, perWindow: number): boolean {
  return refill(bucket, now, perWindow) >= perWindow;
}

function refill(bucket: Bucket, now: number, perWindow: number): number {
  const elapsed = Math.max(0, now - bucket.at);
  return Math.min(perWindow, bucket.tokens + (elapsed * perWindow) / SCALING_WINDOW_MS);
}
