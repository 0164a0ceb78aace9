import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBudget } from './memory-budget.js';

type Step = ['reserve' | 'release', number];

test('budget accounting: reserve and release, never past the budget nor below zero', () => {
  const table: Array<[string, number, Step[], number | 'throws']> = [
    ['nothing reserved', 256, [], 0],
    [
      'two 128 MB sandboxes fill 256 MB',
      256,
      [
        ['reserve', 128],
        ['reserve', 128],
      ],
      256,
    ],
    [
      'a third does not fit',
      256,
      [
        ['reserve', 128],
        ['reserve', 128],
        ['reserve', 128],
      ],
      'throws',
    ],
    [
      'released memory can be granted again',
      256,
      [
        ['reserve', 128],
        ['reserve', 128],
        ['release', 128],
        ['reserve', 128],
      ],
      256,
    ],
    [
      'release more than reserved',
      256,
      [
        ['reserve', 128],
        ['release', 256],
      ],
      'throws',
    ],
    [
      'a double release is caught',
      256,
      [
        ['reserve', 128],
        ['release', 128],
        ['release', 128],
      ],
      'throws',
    ],
    ['zero is not a sandbox', 256, [['reserve', 0]], 'throws'],
  ];
  for (const [name, total, steps, expected] of table) {
    const budget = new MemoryBudget(total);
    const run = (): number => {
      for (const [op, mb] of steps) budget[op](mb);
      return budget.reservedMb;
    };
    if (expected === 'throws') assert.throws(run, name);
    else {
      assert.equal(run(), expected, name);
      assert.equal(budget.freeMb, total - expected, name);
    }
  }
});

test('a budget must be positive', () => {
  assert.throws(() => new MemoryBudget(0));
  assert.throws(() => new MemoryBudget(Number.NaN));
});
