import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compare, ratio, times } from './ratio.js';

describe('ratio', () => {
  it('divides, and is undefined for a missing or zero base', () => {
    assert.equal(ratio(3, 2), 1.5);
    assert.equal(ratio(3, 0), undefined);
    assert.equal(ratio(undefined, 2), undefined);
    assert.equal(ratio(Number.NaN, 2), undefined);
  });
});

describe('compare', () => {
  const cases: ReadonlyArray<[number | undefined, number | undefined, 'lower' | 'higher', string]> = [
    [1, 4, 'lower', '4.00× better'], // latency: 1 ms against 4 ms
    [4, 1, 'lower', '4.00× worse'],
    [5000, 1000, 'higher', '5.00× better'], // throughput: 5,000/s against 1,000/s
    [1000, 5000, 'higher', '5.00× worse'],
    [1.02, 1, 'lower', 'same'],
    [1, undefined, 'lower', '—'],
    [0, 3, 'lower', '—'],
  ];
  for (const [subject, other, better, expected] of cases) {
    it(`${subject} against ${other} (${better} is better) reads "${expected}"`, () =>
      assert.equal(compare(subject, other, better), expected));
  }
});

describe('times', () => {
  it('keeps about three significant digits', () => {
    assert.deepEqual([times(0.0031), times(1.234), times(12.34), times(345.6)], ['0.0031×', '1.23×', '12.3×', '346×']);
  });
});
