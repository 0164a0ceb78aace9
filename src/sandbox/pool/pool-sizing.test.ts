import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poolTarget, pruneDemand, type PoolSizing } from './pool-sizing.js';

const sizing: PoolSizing = { max: 3, windowMs: 10_000, idleMs: 600_000 };
const NOW = 1_000_000;

describe('poolTarget', () => {
  const cases: Array<[string, PoolSizing, number[], number]> = [
    ['never asked for: none', sizing, [], 0],
    ['the pool is off (max 0): none, whatever the demand', { ...sizing, max: 0 }, [NOW, NOW, NOW], 0],
    ['one start just now: one', sizing, [NOW], 1],
    ['two starts in the window: two', sizing, [NOW - 9_000, NOW - 1], 2],
    ['a burst above the cap: the cap', sizing, [NOW, NOW, NOW, NOW, NOW, NOW], 3],
    ['starts older than the window still keep one ready', sizing, [NOW - 60_000, NOW - 50_000], 1],
    ['only the window counts', sizing, [NOW - 20_000, NOW - 20_000, NOW - 5_000], 1],
    ['idle longer than idleMs: none', sizing, [NOW - 600_001], 0],
    ['idle exactly idleMs: still one', sizing, [NOW - 600_000], 1],
    ['cap of one', { ...sizing, max: 1 }, [NOW, NOW], 1],
  ];
  for (const [name, s, demand, expected] of cases) {
    it(name, () => assert.equal(poolTarget(s, demand, NOW), expected));
  }
});

describe('pruneDemand', () => {
  const cases: Array<[string, number[], number[]]> = [
    ['nothing', [], []],
    ['keeps what is in the window', [NOW - 20_000, NOW - 5_000, NOW], [NOW - 5_000, NOW]],
    ['keeps the last start for the idle rule', [NOW - 90_000, NOW - 60_000], [NOW - 60_000]],
    ['forgets a kind idle too long', [NOW - 700_000], []],
  ];
  for (const [name, demand, expected] of cases) {
    it(name, () => {
      const kept = pruneDemand(sizing, demand, NOW);
      assert.deepEqual(kept, expected);
      assert.equal(poolTarget(sizing, kept, NOW), poolTarget(sizing, demand, NOW), 'pruning never changes the target');
    });
  }
});
