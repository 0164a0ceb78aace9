// Provisioned sandboxes through the front end and a real runtime: served first, kept past the
// idle timeout and the sandbox cap's evictions, replaced when one dies, FAILED when init fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionRecord } from '../control-plane/function-record.js';
import type { InvokeOutcome } from './invocation.js';
import { eventually } from '../testing/eventually.js';
import { startHarness, type Harness } from './tiny-runtime.fixture.js';

interface Ran {
  readonly pid: number;
  readonly initType: string | undefined;
}

function ran(outcome: InvokeOutcome): Ran {
  assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
  assert.ok(outcome.kind === 'success');
  const body = JSON.parse(outcome.payload.toString()) as { pid: number; env: Record<string, string> };
  return { pid: body.pid, initType: body.env['AWS_LAMBDA_INITIALIZATION_TYPE'] };
}

async function provisioned(h: Harness, name: string, count: number, handler = 'echo'): Promise<FunctionRecord> {
  await h.addFunction({ name, handler });
  const version = await h.addFunction({ name, handler, version: '1' });
  h.workers.provision({
    id: `${name}:1`,
    requested: count,
    allocations: [{ fn: version, codeDir: h.codeDir, count }],
    generation: 'g1',
  });
  return version;
}

const status = (h: Harness, id: string) => h.workers.provisionedState(id)?.status;
const invokeVersion = (h: Harness, name: string, event: unknown = {}) => h.invoke(name, event, { qualifier: '1' });

test('provisioned sandboxes serve first, outlive the idle timeout and are never evicted for capacity', async () => {
  const h = await startHarness({ idleTimeoutSeconds: 0.2, maxSandboxes: 3 });
  try {
    await provisioned(h, 'f', 2);
    await eventually(() => status(h, 'f:1') === 'READY');
    assert.deepEqual(h.workers.provisionedState('f:1'), {
      status: 'READY',
      statusReason: undefined,
      available: 2,
      allocated: 2,
    });
    const first = ran(await invokeVersion(h, 'f'));
    assert.equal(first.initType, 'provisioned-concurrency');
    assert.equal(ran(await h.invoke('f')).initType, 'on-demand', '$LATEST has no provisioned sandboxes');

    // An on-demand sandbox of another function expires; the provisioned ones stay.
    await h.addFunction({ name: 'g' });
    ran(await h.invoke('g'));
    await eventually(() => h.workers.countOf('g') === 0);
    assert.equal(status(h, 'f:1'), 'READY');
    const later = ran(await invokeVersion(h, 'f'));
    assert.equal(later.initType, 'provisioned-concurrency');

    // At the cap (2 provisioned + 1), a new function evicts the idle on-demand one, not a provisioned one.
    ran(await h.invoke('g'));
    await h.addFunction({ name: 'k' });
    ran(await h.invoke('k'));
    assert.equal(h.workers.countOf('g'), 0);
    assert.equal(h.workers.provisionedState('f:1')?.available, 2);
  } finally {
    await h.close();
  }
});

test('a provisioned sandbox that dies is replaced; retire() leaves them, unprovision() ends them', async () => {
  const h = await startHarness();
  try {
    await provisioned(h, 'f', 1);
    await eventually(() => status(h, 'f:1') === 'READY');
    const before = ran(await invokeVersion(h, 'f'));
    const crashed = await invokeVersion(h, 'f', { exit: 3 });
    assert.equal(crashed.kind, 'function-error');
    await eventually(() => h.workers.provisionedState('f:1')?.available === 1);
    const after = ran(await invokeVersion(h, 'f'));
    assert.equal(after.initType, 'provisioned-concurrency');
    assert.notEqual(after.pid, before.pid, 'a new environment replaced the dead one');

    await h.workers.retire('f');
    assert.equal(ran(await invokeVersion(h, 'f')).pid, after.pid, 'a code change of $LATEST does not end them');
    h.workers.unprovision('f:1');
    await eventually(() => h.workers.countOf('f') === 0);
    assert.equal(h.workers.provisionedState('f:1'), undefined);
    assert.equal(ran(await invokeVersion(h, 'f')).initType, 'on-demand');
  } finally {
    await h.close();
  }
});

test('init failure: FAILED with FUNCTION_ERROR_INIT_FAILURE, and no endless restarts', async () => {
  const h = await startHarness();
  try {
    await provisioned(h, 'bad', 2, 'init-error');
    await eventually(() => status(h, 'bad:1') === 'FAILED');
    assert.equal(h.workers.provisionedState('bad:1')?.statusReason, 'FUNCTION_ERROR_INIT_FAILURE');
    await h.workers.provisioningSettled();
    await eventually(() => h.workers.countOf('bad') === 0);
  } finally {
    await h.close();
  }
});
