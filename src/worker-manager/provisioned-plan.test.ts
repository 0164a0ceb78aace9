import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFleet, provisionedState, splitByWeights, type KeyCount } from './provisioned-plan.js';
import type { PoolEntry, SandboxKey } from './warm-pool.js';

const key = (version: string, revisionId = 'r1'): SandboxKey => ({ functionName: 'f', version, revisionId });
const held = (name: string, k: SandboxKey, busy = false, retired = false): PoolEntry<string> => ({
  key: k,
  sandbox: name,
  busy,
  lastUsedAt: 0,
  retired,
  provisionedFor: 'f:live',
  memoryMb: 128,
  initCostMs: 0,
});

test('an alias splits its provisioned concurrency by the routing weights', () => {
  const table: Array<[number, string, Record<string, number>, Array<[string, number]>]> = [
    [5, '1', {}, [['1', 5]]],
    [
      10,
      '1',
      { '2': 0.3 },
      [
        ['1', 7],
        ['2', 3],
      ],
    ],
    [
      3,
      '1',
      { '2': 0.5 },
      [
        ['1', 1],
        ['2', 2],
      ],
    ],
    [1, '1', { '2': 0.1 }, [['1', 1]]],
    [2, '1', { '2': 1 }, [['2', 2]]],
  ];
  for (const [requested, primary, weights, expected] of table) {
    const shares = splitByWeights(requested, primary, weights).map((s): [string, number] => [s.version, s.count]);
    assert.deepEqual(shares, expected, `${requested} on ${primary} ${JSON.stringify(weights)}`);
  }
});

test('the fleet plan starts what is missing and lets go of what is not wanted', () => {
  const want = (k: SandboxKey, count: number): KeyCount => ({ key: k, count });
  const names = (entries: readonly PoolEntry<string>[]) => entries.map((e) => e.sandbox);
  const starts = (plan: { start: KeyCount[] }) => plan.start.map((s) => `${s.key.version}×${s.count}`);

  let plan = planFleet<string>([want(key('1'), 3)], []);
  assert.deepEqual(starts(plan), ['1×3'], 'nothing kept yet: start all');
  assert.deepEqual(names(plan.release), []);

  plan = planFleet([want(key('1'), 2)], [held('a', key('1')), held('b', key('1'))]);
  assert.deepEqual([starts(plan), names(plan.release)], [[], []], 'complete: nothing to do');

  plan = planFleet([want(key('1'), 1)], [held('busy', key('1'), true), held('idle', key('1'))]);
  assert.deepEqual(names(plan.release), ['idle'], 'shrink lets an idle one go before a busy one');

  plan = planFleet([want(key('2'), 2)], [held('old', key('1')), held('older', key('1'), true)]);
  assert.deepEqual(names(plan.release), ['old', 'older'], 'alias moved: every sandbox of the old version goes');
  assert.deepEqual(starts(plan), ['2×2']);

  plan = planFleet([want(key('1', 'r2'), 1)], [held('stale', key('1', 'r1'))]);
  assert.deepEqual([names(plan.release), starts(plan)], [['stale'], ['1×1']], 'another revision is another key');

  plan = planFleet([want(key('1'), 1)], [held('retired', key('1'), true, true)]);
  assert.deepEqual(starts(plan), ['1×1'], 'a retired sandbox does not count');
});

test('status: READY when all are initialised, FAILED with the reason once allocation failed', () => {
  assert.deepEqual(provisionedState(3, 1, 1, undefined), {
    status: 'IN_PROGRESS',
    statusReason: undefined,
    available: 1,
    allocated: 1,
  });
  assert.equal(provisionedState(3, 3, 4, undefined).status, 'READY');
  assert.deepEqual(provisionedState(3, 1, 1, 'FUNCTION_ERROR_INIT_FAILURE'), {
    status: 'FAILED',
    statusReason: 'FUNCTION_ERROR_INIT_FAILURE',
    available: 1,
    allocated: 1,
  });
});
