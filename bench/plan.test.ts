import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions, planFor } from './plan.js';

describe('parseOptions', () => {
  it('reads --quick, --no-write and --only', () => {
    assert.deepEqual(parseOptions(['--quick', '--only', 'hearth,lambda-local', '--no-write']), {
      quick: true,
      write: false,
      only: ['hearth', 'lambda-local'],
    });
    assert.deepEqual(parseOptions([]), { quick: false, write: true, only: [] });
  });
});

describe('planFor', () => {
  it('measures enough warm invokes for a p99.9 in the full run, and the issue’s many-functions shape in both', () => {
    assert.ok(planFor(false).warm >= 1000);
    for (const quick of [true, false]) {
      const plan = planFor(quick);
      assert.deepEqual([plan.manyFunctions, plan.manyRoom, [...plan.concurrencies]], [200, 20, [8, 32]]);
    }
  });
});
