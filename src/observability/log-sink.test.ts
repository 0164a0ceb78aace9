import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent, LogStore, StoredLogEvent } from '../storage/ports.js';
import { LogSink, type LogSinkOptions } from './log-sink.js';
import { FakeClock, ScriptedStore, busy } from './log-sink.fixture.js';

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

test('the timer flushes a small batch; every line is mirrored', async () => {
  const mirrored: string[] = [];
  const store = new RecordingStore();
  const sink = new LogSink(store, { flushIntervalMs: 5, onLine: (fn, e) => mirrored.push(`${fn}:${e.message}`) });
  sink.record('a', event('hello'));
  assert.deepEqual(mirrored, ['a:hello']);
  while (store.appends.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.deepEqual(store.appends, [['a', [event('hello')]]]);
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

void describe('when the store fails', () => {
  const setup = (store: ScriptedStore, options: Partial<LogSinkOptions> = {}) => {
    const clock = new FakeClock();
    const warnings: string[] = [];
    const sink = new LogSink(store, {
      flushIntervalMs: 60_000,
      clock,
      retry: { baseDelayMs: 100, maxDelayMs: 1_000, retryForMs: 10_000 },
      onWarning: (line) => warnings.push(line),
      ...options,
    });
    return { sink, clock, warnings };
  };

  void it('later lines wait behind a batch in flight, and go with it when it is retried', async () => {
    const store = new ScriptedStore((call) => (call === 1 ? busy() : 'ok'));
    const { sink, clock, warnings } = setup(store);
    sink.record('a', event('1'));
    const first = sink.flush(); // append #1 is in flight…
    sink.record('a', event('2'));
    sink.record('b', event('x'));
    const second = sink.flush(); // …so '2' waits for it; 'b' has its own lane
    await Promise.all([first, second]); // #1 failed: 'a' waits to retry
    assert.deepEqual(store.calls, [
      ['a', ['1']],
      ['b', ['x']],
    ]);
    assert.equal(sink.queued, 2, "'1' and '2' wait for the retry");
    sink.record('a', event('3'));
    await sink.flush();
    assert.equal(store.calls.length, 2, 'nothing of a is written before its retry');
    clock.advance(100);
    await sink.flush();
    assert.deepEqual(store.calls.at(-1), ['a', ['1', '2', '3']]);
    assert.deepEqual(store.stored.get('a'), ['1', '2', '3']);
    assert.deepEqual(store.stored.get('b'), ['x']);
    assert.equal(sink.queued, 0);
    await sink.close();
    assert.deepEqual(warnings, []);
  });

  void it('a store that fails its first appends gets every line exactly once, in order per function', async () => {
    const store = new ScriptedStore((call) => (call <= 7 ? busy() : 'ok'));
    const { sink, clock, warnings } = setup(store);
    const expected = new Map<string, string[]>();
    for (let i = 0; i < 60; i++) {
      const fn = `fn-${i % 3}`;
      sink.record(fn, event(`${fn} line ${i}`));
      expected.set(fn, [...(expected.get(fn) ?? []), `${fn} line ${i}`]);
      if (i % 4 === 0) await sink.flush();
      if (i % 10 === 0) clock.advance(150);
    }
    while (clock.waiting > 0) {
      clock.advance(1_000);
      await sink.flush();
    }
    await sink.close();
    assert.ok(store.calls.length > 7, 'the failing appends were retried');
    assert.deepEqual(store.stored, expected);
    assert.deepEqual(warnings, []);
  });

  void it('a store that keeps failing: waiting lines stay under the cap, and one warning counts every dropped line', async () => {
    const store = new ScriptedStore(() => busy());
    const { sink, clock, warnings } = setup(store, { maxQueuedLines: 100 });
    for (let batch = 0; batch < 10; batch++) {
      for (let i = 0; i < 50; i++) sink.record('a', event(`${batch}.${i}`));
      await sink.flush();
      assert.ok(sink.queued <= 100, `${sink.queued} lines waiting`);
      clock.advance(500);
      await sink.flush();
    }
    assert.deepEqual(warnings, [], 'no line per failure or per drop while it retries');
    clock.advance(1_000); // the longest backoff: the next retry has been made
    await sink.flush();
    assert.ok(store.calls.every(([, lines]) => lines.length <= 100));
    assert.deepEqual(store.calls.at(-1)?.[1].at(-1), '9.49', 'the newest lines are the ones kept');
    clock.advance(10_000); // past the retry window: the lines still waiting are given up
    await sink.flush();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? '',
      /^log store: dropped 500 lines of a after \d+ failed attempts over \d+\.\d s \(SqliteError: database is locked\)$/,
    );
    assert.equal(sink.queued, 0);
    await sink.close();
    assert.equal(warnings.length, 1);
  });

  void it('a line the store rejects is dropped alone; the lines around it are stored in order', async () => {
    const rejected = Object.assign(new Error('CHECK constraint failed'), {
      name: 'SqliteError',
      code: 'SQLITE_CONSTRAINT_CHECK',
    });
    const store = new ScriptedStore((_call, events) => (events.some((e) => e.message === 'bad') ? rejected : 'ok'));
    const { sink, warnings } = setup(store);
    for (const m of ['1', '2', '3', 'bad', '5', '6', '7']) sink.record('a', event(m));
    await sink.close();
    assert.deepEqual(store.stored.get('a'), ['1', '2', '3', '5', '6', '7']);
    assert.deepEqual(warnings, [
      'log store: dropped 1 line of a after the store rejected it (SqliteError: CHECK constraint failed)',
    ]);
  });

  void it('close() during retries ends when its time is up, and counts what it drops', async () => {
    const store = new ScriptedStore(() => busy());
    const { sink, clock, warnings } = setup(store, { closeTimeoutMs: 2_000 });
    for (let i = 0; i < 5; i++) sink.record('a', event(`${i}`));
    await sink.flush();
    sink.record('a', event('5'));
    sink.record('b', event('b0'));
    let closed = false;
    const closing = sink.close().then(() => (closed = true));
    await Promise.resolve();
    assert.deepEqual(store.calls.at(-1), ['a', ['0', '1', '2', '3', '4', '5']], 'a lane waiting to retry goes at once');
    clock.advance(1_999);
    await Promise.resolve();
    assert.equal(closed, false);
    clock.advance(1);
    await closing;
    assert.deepEqual(warnings.sort(), [
      'log store: dropped 1 line of b after shutdown: the store did not take them in time (SqliteError: database is locked)',
      'log store: dropped 6 lines of a after shutdown: the store did not take them in time (SqliteError: database is locked)',
    ]);
    assert.equal(clock.waiting, 0, 'no retry is left behind');
  });

  void it('close() ends in bounded time even when an append never answers', async () => {
    const store = new ScriptedStore(() => 'hold');
    const { sink, clock, warnings } = setup(store, { closeTimeoutMs: 2_000 });
    sink.record('a', event('1'));
    const closing = sink.close();
    clock.advance(2_000);
    await closing;
    assert.deepEqual(warnings, [
      'log store: dropped 1 line of a after shutdown: the store did not take them in time (no answer)',
    ]);
  });
});
