import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AliasRecord } from '../control-plane/alias-record.js';
import type { FunctionRecord } from '../control-plane/function-record.js';
import type { ProvisionedConcurrencyRecord } from '../control-plane/provisioned-concurrency-record.js';
import { FunctionCache, type CacheStore } from './function-cache.js';

function store(configs: ProvisionedConcurrencyRecord[], aliases: AliasRecord[], reserved?: number): CacheStore {
  return {
    get: () => Promise.resolve(undefined),
    getAlias: (_fn, name) => Promise.resolve(aliases.find((a) => a.name === name)),
    reservedConcurrency: () => Promise.resolve(reserved),
    totalReservedConcurrency: () => Promise.resolve(0),
    listProvisionedConcurrency: () => Promise.resolve(configs),
  };
}

const config = (qualifier: string, requested: number): ProvisionedConcurrencyRecord => ({
  functionName: 'f',
  qualifier,
  requested,
  lastModified: '2026-01-01T00:00:00.000+0000',
});
const alias = (name: string, functionVersion: string, weights: Record<string, number> = {}): AliasRecord => ({
  functionName: 'f',
  name,
  functionVersion,
  description: '',
  additionalVersionWeights: weights,
  revisionId: 'r',
});

describe('FunctionCache.limits', () => {
  it('gives provisioned concurrency per version: a version’s own, and an alias’s split by weight', async () => {
    const cache = new FunctionCache(
      store(
        [config('live', 4), config('3', 1), config('other', 2)],
        [alias('live', '1', { '2': 0.25 }), alias('other', '1')],
        10,
      ),
    );
    const limits = await cache.limits('f');
    assert.equal(limits.reserved, 10);
    assert.equal(limits.provisionedTotal, 7);
    assert.deepEqual(Object.fromEntries(limits.provisionedByVersion), { '1': 5, '2': 1, '3': 1 });
  });

  it('has none for a function without configurations', async () => {
    const limits = await new FunctionCache(store([], [])).limits('f');
    assert.deepEqual([limits.reserved, limits.provisionedTotal, limits.provisionedByVersion.size], [undefined, 0, 0]);
  });
});

describe('FunctionCache: the synchronous reads a warm invoke takes', () => {
  it('see only what an async read cached, and nothing after drop()', async () => {
    const record = { name: 'f', version: '$LATEST' } as FunctionRecord;
    const cache = new FunctionCache({ ...store([], [], 3), get: () => Promise.resolve(record) });
    assert.equal(cache.cachedRecord('f', '$LATEST'), undefined);
    assert.equal(cache.cachedLimits('f'), undefined);
    assert.equal(cache.cachedTotalReserved(), undefined);

    assert.equal(await cache.record('f', '$LATEST'), record);
    await cache.totalReservedConcurrency();
    assert.equal(cache.cachedRecord('f', '$LATEST'), record);
    assert.equal(cache.cachedRecord('f', '1'), undefined, 'another version was never read');
    assert.equal(cache.cachedLimits('f')?.reserved, 3);
    assert.equal(cache.cachedTotalReserved(), 0);

    cache.drop('f');
    assert.equal(cache.cachedRecord('f', '$LATEST'), undefined);
    assert.equal(cache.cachedLimits('f'), undefined);
    assert.equal(cache.cachedTotalReserved(), undefined);
  });
});
