// The LogStore conformance suite: every backend registers it and must pass it unchanged.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { LogEvent, Storage } from '../ports.js';

/** Every backend under test is opened with this retention, so trimming is observable. */
export const conformanceLogRetention = 5;

function events(prefix: string, count: number): LogEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    timestamp: 1_700_000_000_000 + i,
    logStream: '2024/01/01/[$LATEST]abc',
    message: `${prefix}${i}\n`,
    source: 'function' as const,
  }));
}

export function logStoreConformance(name: string, open: () => Promise<Storage> | Storage): void {
  void describe(`LogStore conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    void it('reads back appended events oldest first with strictly increasing seq', async () => {
      await storage.logs.append('fn', events('a', 2));
      await storage.logs.append('fn', events('b', 1));
      const read = await storage.logs.read('fn', 0, 100);
      assert.deepEqual(
        read.map((e) => e.message),
        ['a0\n', 'a1\n', 'b0\n'],
      );
      assert.deepEqual(
        { timestamp: read[0]?.timestamp, logStream: read[0]?.logStream },
        { timestamp: 1_700_000_000_000, logStream: '2024/01/01/[$LATEST]abc' },
      );
      const seqs = read.map((e) => e.seq);
      assert.ok(
        seqs.every((seq, i) => i === 0 || seq > (seqs[i - 1] ?? Infinity)),
        `seqs ${seqs.join(',')}`,
      );
    });

    void it('a large batch (a busy flush) keeps its order and every field of its newest events', async () => {
      const batch = events('x', 32).map((event, i): LogEvent => ({
        ...event,
        logStream: `stream-${i}`,
        source: i % 2 === 0 ? 'platform' : 'function',
        ...(i % 3 === 0 ? {} : { requestId: `req-${i}` }),
      }));
      await storage.logs.append('fn', batch);
      const read = await storage.logs.read('fn', 0, 100);
      assert.deepEqual(
        read.map(({ seq: _seq, ...event }) => event),
        batch.slice(-conformanceLogRetention),
      );
    });

    void it('keeps who wrote each line and its request id, and no request id where there was none', async () => {
      const stream = '2024/01/01/[$LATEST]abc';
      const written: LogEvent[] = [
        { timestamp: 1, logStream: stream, message: 'init', source: 'function' },
        { timestamp: 2, logStream: stream, message: 'START RequestId: r1', source: 'platform', requestId: 'r1' },
        { timestamp: 3, logStream: stream, message: 'REPORT RequestId: r2', source: 'function', requestId: 'r1' },
      ];
      await storage.logs.append('fn', written);
      const read = await storage.logs.read('fn', 0, 100);
      assert.deepEqual(
        read.map(({ seq: _seq, ...event }) => event),
        written,
      );
    });

    void it('pages with afterSeq and limit', async () => {
      await storage.logs.append('fn', events('m', 4));
      const first = await storage.logs.read('fn', 0, 2);
      assert.deepEqual(
        first.map((e) => e.message),
        ['m0\n', 'm1\n'],
      );
      const second = await storage.logs.read('fn', first[1]?.seq ?? 0, 2);
      assert.deepEqual(
        second.map((e) => e.message),
        ['m2\n', 'm3\n'],
      );
      assert.deepEqual(await storage.logs.read('fn', second[1]?.seq ?? 0, 2), []);
    });

    void it('keeps functions apart', async () => {
      await storage.logs.append('one', events('one', 2));
      await storage.logs.append('two', events('two', 1));
      assert.deepEqual(
        (await storage.logs.read('two', 0, 10)).map((e) => e.message),
        ['two0\n'],
      );
      assert.deepEqual(await storage.logs.read('three', 0, 10), []);
    });

    void it(`keeps only the newest ${conformanceLogRetention} events per function`, async () => {
      await storage.logs.append('fn', events('a', 3));
      await storage.logs.append('fn', events('b', 4));
      await storage.logs.append('other', events('o', 2));
      assert.deepEqual(
        (await storage.logs.read('fn', 0, 100)).map((e) => e.message),
        ['a2\n', 'b0\n', 'b1\n', 'b2\n', 'b3\n'],
      );
      await storage.logs.append('fn', events('big', 8));
      assert.deepEqual(
        (await storage.logs.read('fn', 0, 100)).map((e) => e.message),
        ['big3\n', 'big4\n', 'big5\n', 'big6\n', 'big7\n'],
      );
      assert.equal((await storage.logs.read('other', 0, 100)).length, 2, 'other functions keep theirs');
    });

    void it('follows new events after the last seen seq, even after trimming', async () => {
      await storage.logs.append('fn', events('a', 5));
      const lastSeen = (await storage.logs.read('fn', 0, 100)).at(-1)?.seq ?? 0;
      await storage.logs.append('fn', events('b', 2));
      assert.deepEqual(
        (await storage.logs.read('fn', lastSeen, 100)).map((e) => e.message),
        ['b0\n', 'b1\n'],
      );
    });

    void it('deleteFunction removes the logs of that function only', async () => {
      await storage.logs.append('fn', events('a', 3));
      await storage.logs.append('other', events('o', 1));
      await storage.logs.deleteFunction('fn');
      assert.deepEqual(await storage.logs.read('fn', 0, 100), []);
      assert.equal((await storage.logs.read('other', 0, 100)).length, 1);
      await storage.logs.append('fn', events('new', 1));
      assert.deepEqual(
        (await storage.logs.read('fn', 0, 100)).map((e) => e.message),
        ['new0\n'],
      );
    });
  });
}
