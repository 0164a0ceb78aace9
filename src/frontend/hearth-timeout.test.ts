// hearth:timeout=none through the front end (docs/tags.md): no Timeout while the caller's connection
// (the request's signal) is there; cancelled, and the sandbox reset, when it goes away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { InvokeOutcome } from './invocation.js';
import { eventually } from '../testing/eventually.js';
import { startHarness } from './tiny-runtime.fixture.js';

type Echo = { count: number; pid: number; deadline: string };

function payloadOf(outcome: InvokeOutcome): Echo {
  assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
  assert.ok(outcome.kind === 'success');
  return JSON.parse(outcome.payload.toString()) as Echo;
}

test('hearth:timeout=none runs past Timeout while the caller is connected, with a far deadline', async () => {
  const h = await startHarness();
  try {
    await h.addFunction({ name: 'unbounded', timeout: 1, tags: { 'hearth:timeout': 'none' } });
    await h.addFunction({ name: 'bounded', timeout: 1 });
    const connection = new AbortController();
    const started = Date.now();
    const run = payloadOf(await h.invoke('unbounded', { sleepMs: 1500 }, { signal: connection.signal }));
    assert.ok(Date.now() - started >= 1500);
    assert.ok(Number(run.deadline) - started > 60 * 60 * 1000, `deadline ${run.deadline}`);
    // The same function without a caller connection (an async or event-source invoke) keeps Timeout.
    assert.equal((await h.invoke('unbounded', { sleepMs: 1500 })).kind, 'timeout');
    // And a function without the tag keeps it even with a connection.
    assert.equal((await h.invoke('bounded', { sleepMs: 1500 }, { signal: connection.signal })).kind, 'timeout');
  } finally {
    await h.close();
  }
});

test('hearth:timeout=none: the caller leaving cancels the invocation and resets the sandbox', async () => {
  const h = await startHarness();
  try {
    await h.addFunction({ name: 'f', timeout: 1, tags: { 'hearth:timeout': 'none' } });
    const first = payloadOf(await h.invoke('f', {}, { signal: new AbortController().signal }));
    const marker = path.join(h.dir, 'running');
    const connection = new AbortController();
    const hanging = h.invoke('f', { touch: marker, sleepMs: 600_000 }, { signal: connection.signal });
    await eventually(() => existsSync(marker));
    connection.abort();
    const cancelled = await hanging;
    assert.equal(cancelled.kind, 'function-error', JSON.stringify(cancelled));
    assert.match(
      cancelled.kind === 'function-error' ? cancelled.payload.toString() : '',
      /Invocation cancelled: the caller disconnected/,
    );
    await eventually(() => {
      try {
        process.kill(first.pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    const next = payloadOf(await h.invoke('f', {}, { signal: new AbortController().signal }));
    assert.notEqual(next.pid, first.pid, 'a fresh sandbox after the reset');
    assert.equal(next.count, 1);
  } finally {
    await h.close();
  }
});
