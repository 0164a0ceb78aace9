import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickAliasVersion } from './alias-routing.js';

describe('pickAliasVersion', () => {
  const rows: { weights: Record<string, number>; random: number; expected: string; why: string }[] = [
    { weights: {}, random: 0, expected: '1', why: 'no routing: always the primary' },
    { weights: {}, random: 0.999, expected: '1', why: 'no routing: always the primary' },
    { weights: { '2': 0.3 }, random: 0, expected: '2', why: 'below the weight: the extra version' },
    { weights: { '2': 0.3 }, random: 0.2999, expected: '2', why: 'just below the weight' },
    { weights: { '2': 0.3 }, random: 0.3, expected: '1', why: 'at the weight: the primary' },
    { weights: { '2': 0.3 }, random: 0.9, expected: '1', why: 'above the weight: the primary' },
    { weights: { '2': 0 }, random: 0, expected: '1', why: 'weight 0 never routes' },
    { weights: { '2': 1 }, random: 0.9999, expected: '2', why: 'weight 1 always routes' },
  ];
  for (const row of rows) {
    it(`${JSON.stringify(row.weights)} with ${row.random} → ${row.expected} (${row.why})`, () => {
      assert.equal(
        pickAliasVersion({ functionVersion: '1', additionalVersionWeights: row.weights }, row.random),
        row.expected,
      );
    });
  }
});
