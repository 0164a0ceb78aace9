import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRoom, evictionOrder, type EvictionCandidate, type Room, type RoomRequest } from './capacity-plan.js';

const idle = (item: string, memoryMb: number, idleMs: number, initCostMs: number): EvictionCandidate<string> => ({
  item,
  memoryMb,
  idleMs,
  initCostMs,
});

test('eviction order: least valuable first — longest idle, cheapest to re-create', () => {
  const table: Array<[string, EvictionCandidate<string>[], string[]]> = [
    ['nothing idle', [], []],
    [
      'equal init: longest idle first (LRU)',
      [idle('recent', 128, 1_000, 100), idle('old', 128, 9_000, 100)],
      ['old', 'recent'],
    ],
    [
      'equal idle: cheapest init first',
      [idle('slow', 128, 5_000, 900), idle('fast', 128, 5_000, 40)],
      ['fast', 'slow'],
    ],
    [
      'a slow init idle a little longer is still worth keeping',
      [idle('slow-init', 128, 2_000, 2_000), idle('fast-init', 128, 1_000, 50)],
      ['fast-init', 'slow-init'],
    ],
    [
      'idle long enough, even a slow init goes',
      [idle('slow-init', 128, 600_000, 2_000), idle('fast-init', 128, 1_000, 50)],
      ['slow-init', 'fast-init'],
    ],
    ['equal value: the longer idle', [idle('a', 128, 1_000, 100), idle('b', 128, 2_000, 200)], ['b', 'a']],
    [
      'equal in all but size: the larger frees more',
      [idle('small', 128, 1_000, 100), idle('big', 512, 1_000, 100)],
      ['big', 'small'],
    ],
    ['just released (0 ms idle) goes last', [idle('now', 128, 0, 100), idle('then', 128, 50, 100)], ['then', 'now']],
  ];
  for (const [name, candidates, expected] of table) {
    assert.deepEqual(
      evictionOrder(candidates).map((c) => c.item),
      expected,
      name,
    );
  }
});

test('room: fits, evicts the fewest least valuable idle sandboxes, waits, or never', () => {
  const base: RoomRequest<string> = {
    needMb: 128,
    budgetMb: 256,
    reservedMb: 0,
    count: 0,
    maxCount: 64,
    candidates: [],
  };
  const table: Array<[string, Partial<RoomRequest<string>>, Room<string>]> = [
    ['empty host', {}, { kind: 'fits' }],
    ['exactly fills the budget', { reservedMb: 128, count: 1 }, { kind: 'fits' }],
    ['budget full, nothing idle: wait', { reservedMb: 256, count: 2 }, { kind: 'wait' }],
    [
      'budget full: evict the least valuable idle one',
      { reservedMb: 256, count: 2, candidates: [idle('warm', 128, 10, 100), idle('cold', 128, 5_000, 100)] },
      { kind: 'evict', victims: ['cold'] },
    ],
    [
      'needs two victims for a bigger sandbox',
      {
        needMb: 256,
        reservedMb: 256,
        count: 2,
        candidates: [idle('a', 128, 10, 100), idle('b', 128, 5_000, 100)],
      },
      { kind: 'evict', victims: ['b', 'a'] },
    ],
    [
      'evicting everything idle would not be enough: wait, evict nothing',
      { needMb: 256, reservedMb: 256, count: 2, candidates: [idle('a', 128, 10, 100)] },
      { kind: 'wait' },
    ],
    ['larger than the whole budget: never', { needMb: 512 }, { kind: 'never' }],
    [
      'count cap reached with memory free: evict for the slot',
      { budgetMb: 10_000, reservedMb: 128, count: 1, maxCount: 1, candidates: [idle('a', 128, 1, 1)] },
      { kind: 'evict', victims: ['a'] },
    ],
    [
      'count cap reached, all busy: wait',
      { budgetMb: 10_000, reservedMb: 128, count: 1, maxCount: 1 },
      { kind: 'wait' },
    ],
    [
      'memory from sandboxes still starting counts (reservedMb), so a burst cannot overcommit',
      { reservedMb: 200, count: 2 },
      { kind: 'wait' },
    ],
  ];
  for (const [name, overrides, expected] of table) {
    assert.deepEqual(decideRoom({ ...base, ...overrides }), expected, name);
  }
});
