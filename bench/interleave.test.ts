import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evenShares, interleavedOrder } from './interleave.js';

describe('interleavedOrder', () => {
  it('visits every server once per round, each in every position once over as many rounds as servers', () => {
    const order = interleavedOrder(3, 3);
    assert.deepEqual(order, [
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
    ]);
    for (const round of interleavedOrder(6, 4)) assert.deepEqual([...round].sort(), [0, 1, 2, 3, 4, 5]);
    const firsts = interleavedOrder(4, 8).map((round) => round[0]);
    assert.deepEqual(firsts, [0, 1, 2, 3, 0, 1, 2, 3]);
  });

  it('one server: the same order every round', () => {
    assert.deepEqual(interleavedOrder(1, 3), [[0], [0], [0]]);
  });
});

describe('evenShares', () => {
  const cases: Array<[number, number, number[]]> = [
    [5000, 6, [834, 834, 833, 833, 833, 833]],
    [12, 3, [4, 4, 4]],
    [2, 3, [1, 1, 0]],
    [0, 2, [0, 0]],
  ];
  for (const [total, parts, shares] of cases)
    it(`${total} in ${parts}: ${shares.join(', ')}`, () => {
      assert.deepEqual(evenShares(total, parts), shares);
      assert.equal(
        shares.reduce((a, b) => a + b, 0),
        total,
      );
    });
});
