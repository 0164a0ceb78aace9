import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentile, summarize } from './stats.js';

describe('percentile (nearest rank)', () => {
  const cases: ReadonlyArray<[readonly number[], number, number]> = [
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
    [[7], 50, 7],
    [[7], 99, 7],
  ];
  for (const [samples, p, expected] of cases) {
    it(`p${p} of ${samples.length} samples is ${expected}`, () => assert.equal(percentile(samples, p), expected));
  }
  it('is NaN with no samples', () => assert.ok(Number.isNaN(percentile([], 50))));
});

describe('summarize', () => {
  it('sorts before ranking', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    assert.deepEqual([s.min, s.p50, s.max, s.mean, s.samples], [1, 3, 5, 3, 5]);
  });
});
