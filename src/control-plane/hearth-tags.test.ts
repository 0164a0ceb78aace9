import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hearthTagSettings, parseHearthTags, touchesHearthTags } from './hearth-tags.js';

describe('parseHearthTags', () => {
  const cases: ReadonlyArray<{ tags: Record<string, string>; memory?: number; settings?: object; error?: RegExp }> = [
    { tags: {}, settings: { unboundedTimeout: false, memoryBurstMb: undefined, internet: false } },
    {
      tags: { team: 'a', 'aws:x': 'y' },
      settings: { unboundedTimeout: false, memoryBurstMb: undefined, internet: false },
    },
    {
      tags: { 'hearth:timeout': 'none' },
      settings: { unboundedTimeout: true, memoryBurstMb: undefined, internet: false },
    },
    { tags: { 'hearth:timeout': 'None' }, error: /hearth:timeout must be 'none'.*got 'None'/ },
    { tags: { 'hearth:timeout': '900' }, error: /hearth:timeout must be 'none'/ },
    {
      tags: { 'hearth:memory-burst': '512' },
      settings: { unboundedTimeout: false, memoryBurstMb: 512, internet: false },
    },
    {
      tags: { 'hearth:memory-burst': '10240' },
      settings: { unboundedTimeout: false, memoryBurstMb: 10240, internet: false },
    },
    // Equal to MemorySize is allowed and means no burst.
    {
      tags: { 'hearth:memory-burst': '128' },
      settings: { unboundedTimeout: false, memoryBurstMb: undefined, internet: false },
    },
    { tags: { 'hearth:memory-burst': '64' }, error: /from the function's MemorySize \(128\) to 10240; got '64'/ },
    { tags: { 'hearth:memory-burst': '600' }, memory: 1024, error: /MemorySize \(1024\)/ },
    { tags: { 'hearth:memory-burst': '10241' }, error: /got '10241'/ },
    { tags: { 'hearth:memory-burst': '512MB' }, error: /whole number of MB/ },
    { tags: { 'hearth:memory-burst': '0512' }, error: /whole number of MB/ },
    { tags: { 'hearth:memory-burst': '' }, error: /whole number of MB/ },
    { tags: { 'hearth:memory-burst': '1e3' }, error: /whole number of MB/ },
    {
      tags: { 'hearth:timeout': 'none', 'hearth:memory-burst': '2048' },
      settings: { unboundedTimeout: true, memoryBurstMb: 2048, internet: false },
    },
    {
      tags: { 'hearth:network': 'internet' },
      settings: { unboundedTimeout: false, memoryBurstMb: undefined, internet: true },
    },
    {
      tags: { 'hearth:network': 'none' },
      settings: { unboundedTimeout: false, memoryBurstMb: undefined, internet: false },
    },
    { tags: { 'hearth:network': 'public' }, error: /hearth:network must be 'internet' or 'none'; got 'public'/ },
    { tags: { 'hearth:timeouts': 'none' }, error: /Unknown Hearth tag 'hearth:timeouts'/ },
  ];
  for (const c of cases)
    it(`${JSON.stringify(c.tags)} at ${c.memory ?? 128} MB`, () => {
      const parsed = parseHearthTags(c.tags, c.memory ?? 128);
      if (c.error !== undefined) {
        assert.equal(parsed.ok, false);
        if (!parsed.ok) assert.match(parsed.message, c.error);
      } else assert.deepEqual(parsed, { ok: true, settings: c.settings });
    });
});

describe('hearthTagSettings', () => {
  it('ignores a burst MemorySize has caught up with, and values that no longer parse', () => {
    assert.deepEqual(hearthTagSettings({ 'hearth:memory-burst': '512' }, 1024), {
      unboundedTimeout: false,
      memoryBurstMb: undefined,
      internet: false,
    });
    assert.deepEqual(hearthTagSettings({ 'hearth:memory-burst': 'lots', 'hearth:timeout': 'yes' }, 128), {
      unboundedTimeout: false,
      memoryBurstMb: undefined,
      internet: false,
    });
    assert.deepEqual(hearthTagSettings({ 'hearth:memory-burst': '512', 'hearth:timeout': 'none' }, 128), {
      unboundedTimeout: true,
      memoryBurstMb: 512,
      internet: false,
    });
  });

  it('tells which tag changes touch Hearth settings', () => {
    assert.equal(touchesHearthTags(['team', 'hearth:timeout']), true);
    assert.equal(touchesHearthTags(['team']), false);
  });
});
