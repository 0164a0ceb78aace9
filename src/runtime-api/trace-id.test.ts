import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceIds } from './trace-id.js';

test('trace ids have X-Ray form, carry the time, and do not repeat across pool refills', () => {
  const ids = new TraceIds();
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const id = ids.next(1_700_000_000_123);
    assert.match(id, /^Root=1-6553f100-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    seen.add(id);
  }
  assert.equal(seen.size, 500);
});
