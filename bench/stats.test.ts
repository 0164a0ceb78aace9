import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ms, percentile, summarize } from './stats.js';

describe('percentile (nearest rank)', () => {
  const tenSamples = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const thousand = Array.from({ length: 1000 }, (_, i) => i + 1);
  const cases: ReadonlyArray<[readonly number[], number, number]> = [
    [tenSamples, 50, 5],
    [tenSamples, 90, 9],
    [tenSamples, 99, 10],
    [thousand, 99, 990],
    [thousand, 99.9, 999],
    [[7], 50, 7],
    [[7], 99.9, 7],
  ];
  for (const [samples, p, expected] of cases) {
    it(`p${p} of ${samples.length} samples is ${expected}`, () => assert.equal(percentile(samples, p), expected));
  }
  it('is NaN with no samples', () => assert.ok(Number.isNaN(percentile([], 50))));
});

describe('summarize', () => {
  it('sorts before ranking', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    assert.deepEqual([s.min, s.p50, s.max, s.mean, s.samples, s.p999], [1, 3, 5, 3, 5, 5]);
  });
});

describe('ms', () => {
  it('prints a dash for a missing value', () => {
    assert.equal(ms(Number.NaN), '—');
    assert.equal(ms(1.23456, 2), '1.23');
  });
});
