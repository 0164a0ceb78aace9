import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareToBaseline, roundOrder, verdict } from './admission-compare.js';

const same = (value: number, n = 5): number[] => Array.from({ length: n }, () => value);

describe('compareToBaseline', () => {
  const result = compareToBaseline([
    { name: 'baseline', invoked: 'plain', rounds: [same(0.4), same(0.5), same(0.45)] },
    // The A/A control: 0.01 ms above, then 0.05 below, then 0.03 above the baseline.
    { name: 'control', invoked: 'plain2', rounds: [same(0.41), same(0.45), same(0.48)] },
    // Follows the baseline's drift 0.02 ms above it: within the baseline's own 0.1 ms spread.
    { name: 'alias', invoked: 'fn:live', rounds: [same(0.42), same(0.52), same(0.47)] },
    // 0.3 ms above in every round: beyond the noise.
    { name: 'slow', invoked: 'fn:slow', rounds: [same(0.7), same(0.8), same(0.75)] },
    // Faster in every round by more than the noise.
    { name: 'fast', invoked: 'fn:fast', rounds: [same(0.2), same(0.3), same(0.25)] },
  ]);
  const withControl = compareToBaseline(
    [
      { name: 'baseline', invoked: 'plain', rounds: [same(0.4), same(0.5), same(0.45)] },
      { name: 'control', invoked: 'plain2', rounds: [same(0.41), same(0.45), same(0.48)] },
      { name: 'alias', invoked: 'fn:live', rounds: [same(0.48), same(0.58), same(0.53)] },
    ],
    1,
  );
  const row = (name: string) => result.rows.find((r) => r.name === name)!;

  it('without a control, judges against the spread of the baseline between its rounds', () => {
    assert.ok(Math.abs(result.noiseP50 - 0.1) < 1e-9);
    assert.ok(Math.abs(result.baselineSpreadP50 - 0.1) < 1e-9);
    assert.ok(Number.isNaN(result.pairedNoiseP50));
    assert.ok(Math.abs(result.noiseP99 - 0.1) < 1e-9);
  });

  it('with an A/A control, judges Δp50 against the control’s largest paired difference (drift cancels)', () => {
    assert.ok(Math.abs(withControl.pairedNoiseP50 - 0.05) < 1e-9);
    assert.equal(withControl.noiseP50, withControl.pairedNoiseP50);
    assert.ok(Math.abs(withControl.baselineSpreadP50 - 0.1) < 1e-9, 'the drift is still reported');
    // 0.08 above the baseline in every round: within the 0.1 drift, but beyond the 0.05 paired noise.
    assert.equal(withControl.rows[2]!.verdictP50, '+0.080 ms beyond noise 0.050');
  });

  it('pairs each round with the baseline’s same round, so shared drift cancels', () => {
    assert.ok(Math.abs(row('alias').deltaP50 - 0.02) < 1e-9);
    assert.equal(row('alias').verdictP50, 'within noise');
    assert.equal(row('baseline').verdictP50, 'baseline');
    assert.equal(row('baseline').deltaP50, 0);
  });

  it('reports a delta beyond the noise with its sign', () => {
    assert.equal(row('slow').verdictP50, '+0.300 ms beyond noise 0.100');
    assert.equal(row('fast').verdictP50, '−0.200 ms beyond noise 0.100');
    assert.ok(Math.abs(row('slow').deltaP99 - 0.3) < 1e-9);
    assert.equal(row('slow').latency.samples, 15);
  });

  it('has no rows without variants', () => {
    assert.deepEqual(compareToBaseline([]).rows, []);
  });
});

describe('verdict', () => {
  const cases: [number, number, string][] = [
    [0.05, 0.1, 'within noise'],
    [-0.1, 0.1, 'within noise'],
    [0.25, 0.1, '+0.250 ms beyond noise 0.100'],
    [Number.NaN, 0.1, '—'],
  ];
  for (const [delta, noise, expected] of cases) {
    it(`${delta} against noise ${noise}: ${expected}`, () => assert.equal(verdict(delta, noise), expected));
  }
});

describe('roundOrder', () => {
  it('rotates the order each round, so every variant takes every position', () => {
    assert.deepEqual(roundOrder(3, 0), [0, 1, 2]);
    assert.deepEqual(roundOrder(3, 1), [1, 2, 0]);
    assert.deepEqual(roundOrder(3, 5), [2, 0, 1]);
  });
});
