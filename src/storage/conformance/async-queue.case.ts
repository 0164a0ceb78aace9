// The AsyncEventQueue conformance suite: every backend registers it and must pass it unchanged.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AsyncEvent, Storage } from '../ports.js';

const T0 = 1_700_000_000_000;

function event(requestId: string, functionName: string, acceptedAt = T0): AsyncEvent {
  return {
    requestId,
    functionName,
    qualifier: undefined,
    payload: Buffer.from(JSON.stringify({ id: requestId })),
    clientContext: undefined,
    acceptedAt,
  };
}

export function asyncQueueConformance(name: string, open: () => Promise<Storage> | Storage): void {
  void describe(`AsyncEventQueue conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    void it('keeps what was enqueued, byte for byte, and hands it out when due', async () => {
      const queue = storage.asyncEvents;
      await queue.enqueue({ ...event('r1', 'fn'), qualifier: 'live', clientContext: '{"a":1}' });
      assert.deepEqual(await queue.due(T0 - 1, 10), []);
      assert.deepEqual(await queue.due(T0, 10), [{ requestId: 'r1', functionName: 'fn', rank: 1 }]);
      const [claimed] = await queue.claim(['r1'], T0, T0 + 10);
      assert.deepEqual(claimed, {
        requestId: 'r1',
        functionName: 'fn',
        qualifier: 'live',
        payload: Buffer.from('{"id":"r1"}'),
        clientContext: '{"a":1}',
        acceptedAt: T0,
        dueAt: T0 + 10,
        attempts: 1,
        throttles: 0,
        lastResponse: undefined,
      });
    });

    void it('interleaves functions: every oldest first, so one backlog does not hide another function', async () => {
      const queue = storage.asyncEvents;
      for (let i = 0; i < 5; i += 1) await queue.enqueue(event(`a${i}`, 'busy', T0 + i));
      await queue.enqueue(event('b0', 'quiet', T0 + 10));
      const due = await queue.due(T0 + 100, 3);
      assert.deepEqual(
        due.map((e) => [e.requestId, e.rank]),
        [
          ['a0', 1],
          ['b0', 1],
          ['a1', 2],
        ],
      );
    });

    void it('a claim hides the event until its visibility deadline and counts an attempt', async () => {
      const queue = storage.asyncEvents;
      await queue.enqueue(event('r1', 'fn'));
      const claimed = await queue.claim(['r1'], T0, T0 + 1000);
      assert.deepEqual(
        claimed.map((e) => [e.requestId, e.attempts, e.dueAt]),
        [['r1', 1, T0 + 1000]],
      );
      assert.deepEqual(await queue.claim(['r1'], T0, T0 + 1000), [], 'claimed twice');
      assert.deepEqual(await queue.due(T0 + 999, 10), []);
      // Past the deadline a claim that was never settled is due again (a stuck or dead poller).
      assert.deepEqual(
        (await queue.due(T0 + 1000, 10)).map((e) => e.requestId),
        ['r1'],
      );
      const again = await queue.claim(['r1'], T0 + 1000, T0 + 3000);
      assert.equal(again[0]?.attempts, 2, 'the lost attempt is counted');
    });

    void it('does not claim an event that is not due yet or does not exist', async () => {
      const queue = storage.asyncEvents;
      await queue.enqueue(event('r1', 'fn', T0 + 500));
      assert.deepEqual(await queue.claim(['r1', 'nope'], T0, T0 + 1000), []);
    });

    void it('reschedule releases the claim with the new due time, attempts, throttles and last response', async () => {
      const queue = storage.asyncEvents;
      await queue.enqueue(event('r1', 'fn'));
      await queue.claim(['r1'], T0, T0 + 60_000);
      await queue.reschedule('r1', { dueAt: T0 + 5000, attempts: 1, throttles: 3, lastResponse: '{"s":1}' });
      assert.deepEqual(await queue.due(T0 + 4999, 10), []);
      const [again] = await queue.claim(['r1'], T0 + 5000, T0 + 6000);
      assert.deepEqual([again?.attempts, again?.throttles, again?.lastResponse], [2, 3, '{"s":1}']);
    });

    void it('finish removes the event; undeliverable ones are kept and counted', async () => {
      const queue = storage.asyncEvents;
      await queue.enqueue(event('r1', 'fn'));
      await queue.enqueue(event('r2', 'fn'));
      await queue.finish('r1');
      await queue.finish('r2', { reason: 'DestinationNotFound', destination: 'arn:x', record: '{}' });
      assert.deepEqual(await queue.due(T0 + 1, 10), []);
      assert.deepEqual(await queue.depths(), []);
      assert.equal(await queue.undeliverableCount(), 1);
    });

    void it('releaseClaims makes every claimed event due at once (restart)', async () => {
      const queue = storage.asyncEvents;
      await queue.enqueue(event('r1', 'fn'));
      await queue.enqueue(event('r2', 'fn'));
      await queue.claim(['r1', 'r2'], T0, T0 + 900_000);
      assert.equal(await queue.releaseClaims(T0 + 10), 2);
      assert.deepEqual((await queue.due(T0 + 10, 10)).map((e) => e.requestId).sort(), ['r1', 'r2']);
    });

    void it('reports depth and the oldest event per function', async () => {
      const queue = storage.asyncEvents;
      await queue.enqueue(event('a1', 'a', T0 + 5));
      await queue.enqueue(event('a2', 'a', T0 + 1));
      await queue.enqueue(event('b1', 'b', T0 + 9));
      const depths = (await queue.depths()).sort((x, y) => x.functionName.localeCompare(y.functionName));
      assert.deepEqual(depths, [
        { functionName: 'a', depth: 2, oldestAcceptedAt: T0 + 1 },
        { functionName: 'b', depth: 1, oldestAcceptedAt: T0 + 9 },
      ]);
    });

    void it('concurrent enqueues all resolve and are all stored', async () => {
      const queue = storage.asyncEvents;
      await Promise.all(Array.from({ length: 200 }, (_, i) => queue.enqueue(event(`r${i}`, 'fn'))));
      assert.equal((await queue.due(T0, 1000)).length, 200);
    });
  });
}
