import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFull, takeToken, type Bucket } from './scaling-rate.js';

test('token bucket: N new environments per 10 s, refilled continuously, never banked past N', () => {
  // [name, bucket before, now, per 10 s, taken, tokens after, waitMs when refused]
  const table: Array<[string, Bucket | undefined, number, number, boolean, number, number | undefined]> = [
    ['a function that never scaled has a full bucket', undefined, 0, 1000, true, 999, undefined],
    ['the last token', { tokens: 1, at: 0 }, 0, 1000, true, 0, undefined],
    ['empty: refused, the next token in 10 ms at 1,000 per 10 s', { tokens: 0, at: 0 }, 0, 1000, false, 0, 10],
    ['refills continuously: 5 ms gives half a token', { tokens: 0, at: 0 }, 5, 1000, false, 0.5, 5],
    ['10 ms gives one', { tokens: 0, at: 0 }, 10, 1000, true, 0, undefined],
    ['unused rate is not banked past N', { tokens: 1000, at: 0 }, 60_000, 1000, true, 999, undefined],
    ['rate 2 per 10 s: empty waits 5 s', { tokens: 0, at: 0 }, 0, 2, false, 0, 5000],
    ['a clock going backwards does not refill', { tokens: 0, at: 100 }, 50, 1000, false, 0, 10],
  ];
  for (const [name, bucket, now, rate, taken, tokens, waitMs] of table) {
    const take = takeToken(bucket, now, rate);
    assert.equal(take.taken, taken, name);
    assert.ok(Math.abs(take.bucket.tokens - tokens) < 1e-9, `${name}: ${take.bucket.tokens} tokens`);
    assert.equal(take.taken ? undefined : take.waitMs, waitMs, name);
  }
});

test('a burst of 1,001 new environments: exactly 1,000 pass at once', () => {
  let bucket: Bucket | undefined;
  let passed = 0;
  for (let i = 0; i < 1001; i += 1) {
    const take = takeToken(bucket, 0, 1000);
    bucket = take.bucket;
    if (take.taken) passed += 1;
  }
  assert.equal(passed, 1000);
  assert.ok(bucket !== undefined && !isFull(bucket, 9_999, 1000));
  assert.ok(isFull(bucket, 10_000, 1000));
});
