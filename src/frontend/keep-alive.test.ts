// Keep-alive, capacity and retirement of sandboxes, end to end through the front end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../testing/eventually.js';
import { alive, pidOf, startHarness } from './tiny-runtime.fixture.js';

test('an idle sandbox is destroyed after the idle timeout and its credentials revoked', async () => {
  const h = await startHarness({ idleTimeoutSeconds: 0.2 });
  try {
    await h.addFunction({ name: 'f' });
    const pid = pidOf(await h.invoke('f'));
    assert.equal(h.workers.countOf('f'), 1);
    await eventually(() => h.workers.countOf('f') === 0);
    await eventually(() => !alive(pid));
    assert.equal(h.revoked.length, 1);
    assert.notEqual(pidOf(await h.invoke('f')), pid, 'a cold start after eviction');
  } finally {
    await h.close();
  }
});

test('at the sandbox cap: busy everywhere throttles, an idle sandbox of another function is evicted', async () => {
  const h = await startHarness({ maxSandboxes: 1, queueWaitMs: 0 });
  try {
    await h.addFunction({ name: 'a' });
    await h.addFunction({ name: 'b' });
    const pidA = pidOf(await h.invoke('a'));
    const slow = h.invoke('a', { sleepMs: 300 });
    const throttled = await h.invoke('b');
    assert.deepEqual(throttled, {
      kind: 'throttled',
      reason: 'ConcurrentInvocationLimitExceeded',
      retryAfterSeconds: 1,
    });
    assert.equal(pidOf(await slow), pidA);
    pidOf(await h.invoke('b'));
    assert.equal(h.workers.countOf('a'), 0, 'the idle sandbox of a made room for b');
    await eventually(() => !alive(pidA));
  } finally {
    await h.close();
  }
});

test('forget(name) retires idle sandboxes at once and busy ones after their invocation', async () => {
  const h = await startHarness();
  try {
    await h.addFunction({ name: 'g' });
    const [p1, p2] = (await Promise.all([h.invoke('g'), h.invoke('g')])).map(pidOf) as [number, number];
    assert.notEqual(p1, p2, 'two concurrent invokes use two sandboxes');
    const marker = path.join(h.dir, 'running');
    const busy = h.invoke('g', { sleepMs: 200, touch: marker });
    await eventually(() => existsSync(marker));
    await h.frontEnd.forget('g');
    const busyPid = pidOf(await busy);
    assert.ok([p1, p2].includes(busyPid), 'the running invocation finished normally');
    await eventually(() => h.workers.countOf('g') === 0);
    await eventually(() => !alive(p1) && !alive(p2));
    const fresh = pidOf(await h.invoke('g'));
    assert.ok(![p1, p2].includes(fresh));
  } finally {
    await h.close();
  }
});

test('shutdown ends every sandbox', async () => {
  const h = await startHarness();
  await h.addFunction({ name: 'x' });
  await h.addFunction({ name: 'y' });
  const pids = [pidOf(await h.invoke('x')), pidOf(await h.invoke('y'))];
  await h.close();
  assert.equal(h.workers.size, 0);
  await eventually(() => pids.every((pid) => !alive(pid)));
});
