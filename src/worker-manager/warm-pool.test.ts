import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evictionCandidates,
  selectExpired,
  selectStale,
  selectWarm,
  WarmPool,
  type PoolEntry,
  type SandboxKey,
} from './warm-pool.js';

const key = (functionName: string, revisionId = 'r1', version = '$LATEST'): SandboxKey => ({
  functionName,
  version,
  revisionId,
});
const entry = (name: string, k: SandboxKey, busy: boolean, lastUsedAt: number, retired = false): PoolEntry<string> => ({
  key: k,
  sandbox: name,
  busy,
  lastUsedAt,
  retired,
  memoryMb: 128,
  initCostMs: 50,
});
const provisioned = (name: string, k: SandboxKey, busy: boolean, lastUsedAt: number): PoolEntry<string> => ({
  ...entry(name, k, busy, lastUsedAt),
  provisionedFor: `${k.functionName}:live`,
});

test('warm selection: an idle sandbox of exactly the key, most recently used first', () => {
  const table: Array<[string, PoolEntry<string>[], SandboxKey, string | undefined]> = [
    ['empty pool: cold start', [], key('a'), undefined],
    ['one idle match', [entry('s1', key('a'), false, 1)], key('a'), 's1'],
    ['busy match is not taken', [entry('s1', key('a'), true, 1)], key('a'), undefined],
    [
      'MRU wins',
      [entry('old', key('a'), false, 1), entry('new', key('a'), false, 5), entry('mid', key('a'), false, 3)],
      key('a'),
      'new',
    ],
    ['other function never', [entry('s1', key('b'), false, 1)], key('a'), undefined],
    ['other revision never', [entry('s1', key('a', 'r0'), false, 9)], key('a', 'r1'), undefined],
    ['other version never', [entry('s1', key('a', 'r1', '1'), false, 9)], key('a', 'r1', '$LATEST'), undefined],
    ['retired is skipped', [entry('s1', key('a'), false, 9, true), entry('s2', key('a'), false, 1)], key('a'), 's2'],
    [
      'provisioned before on-demand',
      [entry('od', key('a'), false, 9), provisioned('pc', key('a'), false, 1)],
      key('a'),
      'pc',
    ],
    [
      'busy provisioned: on-demand',
      [entry('od', key('a'), false, 1), provisioned('pc', key('a'), true, 9)],
      key('a'),
      'od',
    ],
    [
      'MRU among provisioned',
      [provisioned('p1', key('a'), false, 1), provisioned('p2', key('a'), false, 5)],
      key('a'),
      'p2',
    ],
  ];
  for (const [name, entries, k, expected] of table) assert.equal(selectWarm(entries, k)?.sandbox, expected, name);
});

test('eviction candidates: idle on-demand sandboxes of any function, with their idle time', () => {
  const table: Array<[string, PoolEntry<string>[], Array<[string, number]>]> = [
    ['none', [], []],
    ['all busy', [entry('s1', key('a'), true, 1)], []],
    [
      'idle ones, busy left out',
      [entry('s1', key('a'), false, 5), entry('s2', key('b'), false, 2), entry('s3', key('c'), true, 1)],
      [
        ['s1', 5],
        ['s2', 8],
      ],
    ],
    [
      'provisioned is never evicted',
      [provisioned('pc', key('a'), false, 0), entry('s1', key('b'), false, 7)],
      [['s1', 3]],
    ],
    ['retired is on its way out already', [entry('s1', key('a'), false, 1, true)], []],
  ];
  for (const [name, entries, expected] of table) {
    const got = evictionCandidates(entries, 10).map((c) => [c.item.sandbox, c.idleMs]);
    assert.deepEqual(got, expected, name);
  }
});

test('expiry: idle for at least the keep-alive, never busy ones', () => {
  const entries = [
    entry('fresh', key('a'), false, 900),
    entry('old', key('a'), false, 100),
    entry('busy-old', key('a'), true, 0),
    entry('edge', key('b'), false, 500),
    provisioned('provisioned-old', key('c'), false, 0),
  ];
  assert.deepEqual(
    selectExpired(entries, 1000, 500).map((e) => e.sandbox),
    ['old', 'edge'],
  );
});

test('stale: same function and version, other revision', () => {
  const entries = [
    entry('cur', key('a', 'r2'), false, 1),
    entry('stale', key('a', 'r1'), true, 1),
    entry('other', key('b', 'r1'), false, 1),
  ];
  assert.deepEqual(
    selectStale(entries, key('a', 'r2')).map((e) => e.sandbox),
    ['stale'],
  );
});

test('the pool indexes entries by function and counts them', () => {
  const pool = new WarmPool<string>();
  const a = entry('s1', key('a'), false, 1);
  pool.add(a);
  pool.add(entry('s2', key('b'), false, 1));
  assert.equal(pool.size, 2);
  assert.deepEqual(
    pool.entriesOf('a').map((e) => e.sandbox),
    ['s1'],
  );
  assert.equal(pool.remove(a), true);
  assert.equal(pool.remove(a), false);
  assert.equal(pool.size, 1);
  assert.deepEqual(pool.entriesOf('a'), []);
});
