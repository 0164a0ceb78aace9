// The sandbox memory budget, eviction, the capacity queue and the scaling rate, through the front
// end with real runtime processes (the tiny runtime fixture).
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { SandboxDriver } from '../sandbox/sandbox-driver.js';
import type { CapacityMetrics, ThrottleCause } from '../worker-manager/worker-manager.js';
import type { InvokeOutcome } from './invocation.js';
import { eventually } from '../testing/eventually.js';
import { alive, pidOf, startHarness, type Harness } from './tiny-runtime.fixture.js';

class RecordedMetrics implements CapacityMetrics {
  readonly waits: Array<{ seconds: number; outcome: string }> = [];
  evictions = 0;
  readonly throttles: ThrottleCause[] = [];
  queueWait(seconds: number, outcome: 'served' | 'throttled'): void {
    this.waits.push({ seconds, outcome });
  }
  evicted(): void {
    this.evictions += 1;
  }
  throttled(cause: ThrottleCause): void {
    this.throttles.push(cause);
  }
}

let markers = 0;

/** Starts an invoke and resolves once its handler is running (it touched a marker file). */
async function running(h: Harness, name: string, sleepMs: number): Promise<{ done: Promise<InvokeOutcome> }> {
  markers += 1;
  const marker = path.join(h.dir, `running-${markers}`);
  const done = h.invoke(name, { sleepMs, touch: marker });
  await eventually(() => existsSync(marker));
  return { done };
}

/** An invocation that has started and stays busy until release() is called. */
async function held(h: Harness, name: string): Promise<{ done: Promise<InvokeOutcome>; release(): void }> {
  markers += 1;
  const marker = path.join(h.dir, `running-${markers}`);
  const gate = path.join(h.dir, `release-${markers}`);
  const done = h.invoke(name, { touch: marker, holdUntil: gate });
  await eventually(() => existsSync(marker));
  return { done, release: () => writeFileSync(gate, '') };
}

test('budget full of idle sandboxes: the least valuable one is evicted for a new function', async () => {
  const metrics = new RecordedMetrics();
  const h = await startHarness({ sandboxMemoryMb: 256, metrics });
  try {
    for (const name of ['a', 'b', 'c']) await h.addFunction({ name, memorySize: 128 });
    const pidA = pidOf(await h.invoke('a'));
    const pidB = pidOf(await h.invoke('b'));
    assert.equal(h.workers.capacity().reservedMb, 256);
    pidOf(await h.invoke('c'));
    assert.equal(metrics.evictions, 1);
    assert.equal(h.workers.countOf('a'), 0, 'a was idle longest (same init cost): it went');
    assert.equal(h.workers.countOf('b'), 1);
    await eventually(() => !alive(pidA));
    assert.ok(alive(pidB));
    assert.deepEqual(h.workers.capacity(), { budgetMb: 256, reservedMb: 256, sandboxes: 2, queued: 0 });
  } finally {
    await h.close();
  }
});

test('everything busy: the invoke waits in the queue and runs as soon as a sandbox is free', async () => {
  const metrics = new RecordedMetrics();
  const h = await startHarness({ sandboxMemoryMb: 256, queueWaitMs: 5000, metrics });
  try {
    for (const name of ['a', 'b', 'c']) await h.addFunction({ name, memorySize: 128 });
    // Held, not timed: on a busy host b's cold start may take longer than a's handler would.
    const slowA = await held(h, 'a');
    const slowB = await held(h, 'b');
    const c = h.invoke('c');
    await eventually(() => h.workers.capacity().queued === 1);
    slowA.release();
    const pidA = pidOf(await slowA.done);
    pidOf(await c);
    assert.equal(metrics.evictions, 1, "a's sandbox made room for c once a finished");
    assert.equal(metrics.waits.length, 1);
    assert.equal(metrics.waits[0]?.outcome, 'served');
    assert.ok((metrics.waits[0]?.seconds ?? 0) > 0);
    await eventually(() => !alive(pidA));
    slowB.release();
    pidOf(await slowB.done);
  } finally {
    await h.close();
  }
});

test('a waiter of the same function gets the freed sandbox warm, not a cold start', async () => {
  const h = await startHarness({ sandboxMemoryMb: 128, queueWaitMs: 5000 });
  try {
    await h.addFunction({ name: 'a', memorySize: 128 });
    const first = await running(h, 'a', 200);
    const second = h.invoke('a');
    await eventually(() => h.workers.capacity().queued === 1);
    const pid = pidOf(await first.done);
    assert.equal(pidOf(await second), pid);
    assert.equal(h.workers.size, 1);
  } finally {
    await h.close();
  }
});

test('still no room when the wait runs out: 429 ConcurrentInvocationLimitExceeded; a full queue throttles at once', async () => {
  const metrics = new RecordedMetrics();
  const h = await startHarness({ sandboxMemoryMb: 128, queueWaitMs: 1000, queueLength: 1, metrics });
  try {
    await h.addFunction({ name: 'a', memorySize: 128 });
    await h.addFunction({ name: 'b', memorySize: 128 });
    const busy = await running(h, 'a', 2500);
    const waited = h.invoke('b');
    await eventually(() => h.workers.capacity().queued === 1);
    const started = Date.now();
    const overflow = await h.invoke('b');
    const throttle = { kind: 'throttled', reason: 'ConcurrentInvocationLimitExceeded', retryAfterSeconds: 1 };
    assert.deepEqual(overflow, throttle, 'the queue holds one: the second waiter is turned away');
    assert.ok(Date.now() - started < 500, 'turned away without waiting');
    assert.deepEqual(await waited, throttle);
    assert.deepEqual(
      metrics.waits.map((w) => w.outcome),
      ['throttled'],
    );
    assert.ok((metrics.waits[0]?.seconds ?? 0) >= 0.99, `waited ${metrics.waits[0]?.seconds} s`);
    assert.deepEqual(metrics.throttles, ['capacity', 'capacity']);
    assert.equal(h.workers.capacity().reservedMb, 128, 'never more than the budget');
    pidOf(await busy.done);
  } finally {
    await h.close();
  }
});

test('a burst across many functions never reserves more than the budget, and every invoke is answered', async () => {
  const h = await startHarness({ sandboxMemoryMb: 512, queueWaitMs: 10_000, queueLength: 100 });
  let most = 0;
  const sampler = setInterval(() => (most = Math.max(most, h.workers.capacity().reservedMb)), 1);
  try {
    const names = Array.from({ length: 8 }, (_, i) => `f${i}`);
    for (const name of names) await h.addFunction({ name, memorySize: 128 });
    const outcomes = await Promise.all(
      Array.from({ length: 24 }, (_, i) => h.invoke(names[i % names.length] ?? 'f0', { sleepMs: 20 })),
    );
    for (const outcome of outcomes) pidOf(outcome);
    assert.ok(most <= 512, `reserved at most the budget (saw ${most} MB)`);
    assert.ok(h.workers.size <= 4);
  } finally {
    clearInterval(sampler);
    await h.close();
  }
});

test('a MemorySize larger than the whole budget is refused with a clear error', async () => {
  const h = await startHarness({ sandboxMemoryMb: 256 });
  try {
    await h.addFunction({ name: 'big', memorySize: 512 });
    const outcome = await h.invoke('big');
    assert.equal(outcome.kind, 'rejected');
    assert.ok(outcome.kind === 'rejected');
    assert.equal(outcome.error.code, 'ServiceException');
    assert.match(
      outcome.error.message,
      /MemorySize \(512 MB\) is larger than this host's sandbox memory budget \(256 MB/,
    );
    assert.equal(h.workers.size, 0);
  } finally {
    await h.close();
  }
});

test('scaling rate: a function adds at most N new sandboxes per 10 s; warm invokes need none', async () => {
  const metrics = new RecordedMetrics();
  // The worker manager's clock stands still: the throttle's Retry-After must not depend on how long
  // the two cold starts took on a busy host.
  const clock = Date.now();
  const h = await startHarness({ scalingRate: 2, metrics, now: () => clock });
  try {
    await h.addFunction({ name: 'r' });
    const first = await held(h, 'r');
    const second = await held(h, 'r');
    const third = await h.invoke('r');
    // Two tokens at 2 per 10 s: the next arrives in 5 s.
    assert.deepEqual(third, { kind: 'throttled', reason: 'FunctionInvocationRateLimitExceeded', retryAfterSeconds: 5 });
    first.release();
    second.release();
    const pids = [pidOf(await first.done), pidOf(await second.done)];
    // Warm reuse takes no token.
    assert.ok(pids.includes(pidOf(await h.invoke('r'))));
    assert.deepEqual(metrics.throttles, ['scaling-rate']);

    await h.storage.functions.reserveConcurrency('r', 5, 1000);
    h.frontEnd.refresh('r');
    const busy = await Promise.all([held(h, 'r'), held(h, 'r')]);
    const reserved = await h.invoke('r');
    assert.deepEqual(reserved, {
      kind: 'throttled',
      reason: 'ReservedFunctionInvocationRateLimitExceeded',
      retryAfterSeconds: 5,
    });
    for (const invoke of busy) invoke.release();
    for (const invoke of busy) pidOf(await invoke.done);
  } finally {
    await h.close();
  }
});

test("a start that evicts waits until the evicted sandbox's processes are killed, not for the driver's cleanup", async () => {
  // A driver whose release after the kill is held until the test lets it go (the isolated driver
  // unmounts a /tmp disk and removes cgroups there: tens of milliseconds on a busy host).
  let letGo!: () => void;
  const cleanupHeld = new Promise<void>((resolve) => (letGo = resolve));
  let cleanups = 0;
  const slowCleanup = (driver: SandboxDriver): SandboxDriver => ({
    name: driver.name,
    close: async () => driver.close?.(),
    start: async (spec) => {
      const started = await driver.start(spec);
      let destroying: Promise<void> | undefined;
      return {
        ...started,
        destroy: () =>
          (destroying ??= (async () => {
            await started.destroy();
            cleanups += 1;
            await cleanupHeld;
          })()),
        processesKilled: () => started.destroy(),
      };
    },
  });
  const metrics = new RecordedMetrics();
  const h = await startHarness({ sandboxMemoryMb: 128, metrics, wrapDriver: slowCleanup });
  try {
    for (const name of ['a', 'b']) await h.addFunction({ name, memorySize: 128 });
    const pidA = pidOf(await h.invoke('a'));
    const pidB = pidOf(await h.invoke('b'));
    assert.equal(metrics.evictions, 1, 'a made room for b');
    await eventually(() => !alive(pidA));
    assert.ok(alive(pidB));
    assert.equal(cleanups, 1, "a's cleanup is still held: b did not wait for it");
  } finally {
    letGo();
    await h.close();
  }
});
