import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CapacityQueue, mayEnqueue } from './capacity-queue.js';

test('queue admission: wait only while the queue has room and waiting is on', () => {
  const table: Array<[string, number, number, number, boolean]> = [
    ['empty queue', 0, 100, 2000, true],
    ['one place left', 99, 100, 2000, true],
    ['full', 100, 100, 2000, false],
    ['length 0 turns the queue off', 0, 0, 2000, false],
    ['wait 0 turns the queue off', 0, 100, 0, false],
  ];
  for (const [name, length, maxLength, maxWaitMs, expected] of table) {
    assert.equal(mayEnqueue(length, { maxLength, maxWaitMs }), expected, name);
  }
});

test('waiters are served in arrival order and leave once', () => {
  const queue = new CapacityQueue<string>();
  for (const w of ['a', 'b', 'c']) queue.add(w);
  assert.deepEqual(queue.inOrder(), ['a', 'b', 'c']);
  assert.equal(queue.remove('b'), true);
  assert.equal(queue.remove('b'), false);
  assert.deepEqual(queue.inOrder(), ['a', 'c']);
  assert.equal(queue.length, 2);
});
