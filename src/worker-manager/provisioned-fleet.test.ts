// The fleet against a fake host: it fills a target, replaces lost sandboxes, and stops replacing
// them after a crash loop instead of starting processes forever.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleRecord } from '../storage/conformance/sample-record.js';
import { CRASH_LOOP_REASON, keyOf, ProvisionedFleet } from './provisioned-fleet.js';
import type { PoolEntry } from './warm-pool.js';

test('lost sandboxes are replaced, until they die too often', async () => {
  const held: PoolEntry<number>[] = [];
  let started = 0;
  const fleet = new ProvisionedFleet<number>({
    entriesFor: (id) => held.filter((e) => e.provisionedFor === id),
    startProvisioned: async (fn, _codeDir, id) => {
      started += 1;
      held.push({
        key: keyOf(fn),
        sandbox: started,
        busy: false,
        lastUsedAt: 0,
        retired: false,
        provisionedFor: id,
        memoryMb: 128,
        initCostMs: 0,
      });
      return undefined;
    },
    letGo: (entry) => void held.splice(held.indexOf(entry), 1),
    isInitialised: () => true,
  });
  const fn = sampleRecord({ name: 'f', version: '1' });
  fleet.provision({ id: 'f:1', requested: 2, allocations: [{ fn, codeDir: '/c', count: 2 }], generation: 'g' });
  await fleet.settled();
  assert.equal(started, 2);
  assert.equal(fleet.state('f:1')?.status, 'READY');

  const loseOne = async (at: number): Promise<void> => {
    held.shift();
    fleet.refill('f:1', true, at);
    await fleet.settled();
  };
  for (let i = 1; i < 10; i += 1) await loseOne(i);
  assert.equal(started, 11, 'nine losses, nine replacements');
  assert.equal(fleet.state('f:1')?.status, 'READY');
  await loseOne(10);
  assert.equal(started, 11, 'the tenth loss within a minute is not replaced');
  assert.deepEqual(fleet.state('f:1'), {
    status: 'FAILED',
    statusReason: CRASH_LOOP_REASON,
    available: 1,
    allocated: 1,
  });

  // Putting the configuration again (a new generation) retries.
  fleet.provision({ id: 'f:1', requested: 2, allocations: [{ fn, codeDir: '/c', count: 2 }], generation: 'g2' });
  await fleet.settled();
  assert.equal(fleet.state('f:1')?.status, 'READY');
});

test('losses spread over more than a minute never fail the target', async () => {
  const held: PoolEntry<number>[] = [];
  const fleet = new ProvisionedFleet<number>({
    entriesFor: () => held,
    startProvisioned: async (fn, _codeDir, id) => {
      held.push({
        key: keyOf(fn),
        sandbox: 0,
        busy: false,
        lastUsedAt: 0,
        retired: false,
        provisionedFor: id,
        memoryMb: 128,
        initCostMs: 0,
      });
      return undefined;
    },
    letGo: () => undefined,
    isInitialised: () => true,
  });
  const fn = sampleRecord({ name: 'f', version: '1' });
  fleet.provision({ id: 'f:1', requested: 1, allocations: [{ fn, codeDir: '/c', count: 1 }], generation: 'g' });
  await fleet.settled();
  for (let i = 0; i < 30; i += 1) {
    held.shift();
    fleet.refill('f:1', true, i * 10_000);
    await fleet.settled();
  }
  assert.equal(fleet.state('f:1')?.status, 'READY');
});
