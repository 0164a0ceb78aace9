import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent, LogStore, StoredLogEvent } from '../storage/ports.js';
import { LogSink } from './log-sink.js';

class RecordingStore implements LogStore {
  readonly appends: Array<[string, readonly LogEvent[]]> = [];
  async append(functionName: string, events: readonly LogEvent[]): Promise<void> {
    this.appends.push([functionName, events]);
  }
  async read(functionName?: string): Promise<StoredLogEvent[]> {
    return this.appends
      .filter(([name]) => name === functionName)
      .flatMap(([, events]) => events)
      .map((e, i) => ({ ...e, seq: i + 1 }));
  }
  async deleteFunction(): Promise<void> {}
}

const event = (message: string): LogEvent => ({ timestamp: 1, logStream: 's', message, source: 'function' });

test('events are batched per function and written on close', async () => {
  const store = new RecordingStore();
  const sink = new LogSink(store, { flushIntervalMs: 60_000 });
  sink.record('a', event('1'));
  sink.record('b', event('2'));
  sink.record('a', event('3'));
  assert.equal(store.appends.length, 0, 'nothing is written on the invoke path');
  await sink.close();
  assert.deepEqual(store.appends, [
    ['a', [event('1'), event('3')]],
    ['b', [event('2')]],
  ]);
});

test('a full batch is written without waiting for the timer', async () => {
  const store = new RecordingStore();
  const sink = new LogSink(store, { flushIntervalMs: 60_000, maxBatchEvents: 3 });
  for (const m of ['1', '2', '3']) sink.record('a', event(m));
  assert.equal(store.appends.length, 1);
  assert.equal(store.appends[0]?.[1].length, 3);
  await sink.close();
});

test('the timer flushes a small batch; mirrored lines and store errors are reported', async () => {
  const mirrored: string[] = [];
  const failures: unknown[] = [];
  const store: LogStore = {
    ...new RecordingStore(),
    append: () => Promise.reject(new Error('disk full')),
    read: async () => [],
    deleteFunction: async () => {},
  };
  const sink = new LogSink(store, {
    flushIntervalMs: 5,
    onLine: (fn, e) => mirrored.push(`${fn}:${e.message}`),
    onError: (e) => failures.push(e),
  });
  sink.record('a', event('hello'));
  assert.deepEqual(mirrored, ['a:hello']);
  while (failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.match(String(failures[0]), /disk full/);
  await sink.close();
});

test('a read right after lines were recorded sees them: pending lines are written first', async () => {
  const store = new RecordingStore();
  const sink = new LogSink(store, { flushIntervalMs: 60_000 });
  sink.record('a', event('START'));
  sink.record('a', event('END'));
  const read = await sink.read('a', 0, 100);
  assert.deepEqual(
    read.map((e) => e.message),
    ['START', 'END'],
  );
  await sink.close();
});
