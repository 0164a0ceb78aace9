import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CapacityQueue, mayEnqueue, type QueueLimits } from './capacity-queue.js';

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

/** A queue over named requests where `room` says who may be served now. */
function queueWith(limits: QueueLimits, room: Set<string>) {
  const left: Array<[string, string]> = [];
  const served: string[] = [];
  const queue = new CapacityQueue<string, string>({
    limits,
    tryServe: (request) => {
      if (!room.has(request)) return undefined;
      served.push(request);
      return `ran ${request}`;
    },
    refusal: () => '429',
    onLeave: (_waitedMs, grant) => left.push([grant, String(queue.length)]),
  });
  return { queue, left, served };
}

test('waiters are served in arrival order when room appears; one not servable does not block the rest', async () => {
  const room = new Set<string>();
  const { queue, served } = queueWith({ maxLength: 10, maxWaitMs: 10_000 }, room);
  const big = queue.wait('big');
  const small1 = queue.wait('small1');
  const small2 = queue.wait('small2');
  assert.equal(queue.length, 3);
  room.add('small1').add('small2');
  queue.offer();
  assert.equal(await small1, 'ran small1');
  assert.equal(await small2, 'ran small2');
  assert.deepEqual(served, ['small1', 'small2']);
  assert.equal(queue.length, 1, 'big still waits');
  room.add('big');
  queue.offer();
  assert.equal(await big, 'ran big');
  assert.equal(queue.length, 0);
});

test('a full queue refuses at once; a wait that runs out is refused after maxWaitMs', async () => {
  const { queue, left } = queueWith({ maxLength: 1, maxWaitMs: 50 }, new Set());
  const started = Date.now();
  const waiting = queue.wait('a');
  assert.equal(await queue.wait('b'), '429', 'the queue holds one');
  assert.equal(await waiting, '429');
  assert.ok(Date.now() - started >= 45, `refused after ${Date.now() - started} ms`);
  assert.deepEqual(left, [['429', '0']]);
});

test('close refuses every waiter and every later caller', async () => {
  const { queue } = queueWith({ maxLength: 10, maxWaitMs: 10_000 }, new Set());
  const waiters = [queue.wait('a'), queue.wait('b')];
  queue.close();
  assert.deepEqual(await Promise.all(waiters), ['429', '429']);
  assert.equal(await queue.wait('c'), '429');
});
