import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConcurrencyCounter } from './concurrency-counter.js';

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

describe('ConcurrencyCounter', () => {
  it('admits exactly `reserved` of a burst and gives the leases back', async () => {
    const counter = new ConcurrencyCounter();
    const limits = { provisioned: 0, reserved: 3, unreservedCapacity: 100 };
    const release = gate();
    const burst = Array.from({ length: 10 }, () => counter.withLease('f', limits, () => release.wait));
    assert.equal(counter.runningOf('f'), 3);
    release.open();
    const results = await Promise.all(burst);
    assert.equal(results.filter((r) => r.kind === 'ran').length, 3);
    assert.ok(
      results
        .filter((r) => r.kind === 'throttle')
        .every((r) => r.reason === 'ReservedFunctionConcurrentInvocationLimitExceeded'),
    );
    assert.equal(counter.runningOf('f'), 0);
    assert.equal((await counter.withLease('f', limits, async () => 1)).kind, 'ran');
  });

  it('shares the unreserved pool between functions, and returns a lease when the work throws', async () => {
    const counter = new ConcurrencyCounter();
    const limits = { provisioned: 0, reserved: undefined, unreservedCapacity: 2 };
    const release = gate();
    const a = counter.withLease('a', limits, () => release.wait);
    const b = counter.withLease('b', limits, () => release.wait);
    assert.deepEqual(await counter.withLease('c', limits, async () => 1), {
      kind: 'throttle',
      reason: 'ConcurrentInvocationLimitExceeded',
    });
    release.open();
    await Promise.all([a, b]);
    await assert.rejects(counter.withLease('c', limits, () => Promise.reject(new Error('boom'))));
    assert.equal((await counter.withLease('c', { ...limits, unreservedCapacity: 1 }, async () => 1)).kind, 'ran');
  });
});
