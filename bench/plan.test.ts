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
  it('measures enough warm invokes for a p99.9 in the full run, and the issue’s many-functions shape in it', () => {
    const full = planFor(false);
    assert.ok(full.warm >= 1000);
    assert.deepEqual([full.manyFunctions, full.manyRoom, [...full.concurrencies]], [200, 20, [8, 32]]);
  });

  it('keeps the quick run’s many functions at ten per sandbox of room, seen twice each, and the same concurrencies', () => {
    const quick = planFor(true);
    assert.deepEqual(
      [quick.manyFunctions / quick.manyRoom, quick.manyRounds, [...quick.concurrencies]],
      [10, 2, [8, 32]],
    );
  });
});
