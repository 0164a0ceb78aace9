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
    const limits = { provisioned: 0, provisionedTotal: 0, reserved: 3, unreservedCapacity: 100 };
    const release = gate();
    const burst = Array.from({ length: 10 }, () => counter.withLease('f', '$LATEST', limits, () => release.wait));
    assert.equal(counter.onDemandOf('f'), 3);
    release.open();
    const results = await Promise.all(burst);
    assert.equal(results.filter((r) => r.kind === 'ran').length, 3);
    assert.ok(
      results
        .filter((r) => r.kind === 'throttle')
        .every((r) => r.reason === 'ReservedFunctionConcurrentInvocationLimitExceeded'),
    );
    assert.equal(counter.onDemandOf('f'), 0);
    assert.equal((await counter.withLease('f', '$LATEST', limits, async () => 1)).kind, 'ran');
  });

  it('shares the unreserved pool between functions, and returns a lease when the work throws', async () => {
    const counter = new ConcurrencyCounter();
    const limits = { provisioned: 0, provisionedTotal: 0, reserved: undefined, unreservedCapacity: 2 };
    const release = gate();
    const a = counter.withLease('a', '$LATEST', limits, () => release.wait);
    const b = counter.withLease('b', '$LATEST', limits, () => release.wait);
    assert.deepEqual(await counter.withLease('c', '$LATEST', limits, async () => 1), {
      kind: 'throttle',
      reason: 'ConcurrentInvocationLimitExceeded',
    });
    release.open();
    await Promise.all([a, b]);
    await assert.rejects(counter.withLease('c', '$LATEST', limits, () => Promise.reject(new Error('boom'))));
    assert.equal(
      (await counter.withLease('c', '$LATEST', { ...limits, unreservedCapacity: 1 }, async () => 1)).kind,
      'ran',
    );
  });

  it('counts provisioned leases per version: version 1’s do not admit $LATEST, and they spill over past their count', async () => {
    const counter = new ConcurrencyCounter();
    // Account with room for one on-demand invocation; version 1 has 2 provisioned.
    const v1 = { provisioned: 2, provisionedTotal: 2, reserved: undefined, unreservedCapacity: 1 };
    const latest = { ...v1, provisioned: 0 };
    const release = gate();
    const running = [
      counter.withLease('f', '1', v1, () => release.wait),
      counter.withLease('f', '1', v1, () => release.wait),
      counter.withLease('f', '$LATEST', latest, () => release.wait),
    ];
    assert.equal(counter.provisionedOf('f', '1'), 2);
    assert.equal(counter.onDemandOf('f'), 1);
    // The unreserved pool is full: neither a third invoke of version 1 nor another of $LATEST runs.
    assert.equal((await counter.withLease('f', '1', v1, async () => 1)).kind, 'throttle');
    assert.equal((await counter.withLease('f', '$LATEST', latest, async () => 1)).kind, 'throttle');
    release.open();
    await Promise.all(running);
    assert.equal(counter.provisionedOf('f', '1'), 0);
    assert.equal(counter.onDemandOf('f'), 0);
  });
});
