import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PromiseCache } from './promise-cache.js';

describe('PromiseCache', () => {
  it('makes each key once, callers sharing the promise; a failure or forget() makes it again', async () => {
    const cache = new PromiseCache<string, number>();
    let makes = 0;
    const make = async (): Promise<number> => ++makes;
    const [a, b] = [cache.get('k', make), cache.get('k', make)];
    assert.equal(a, b, 'a second caller gets the promise under way');
    assert.equal(await a, 1);
    assert.equal(await cache.get('other', make), 2, 'another key has its own');
    await assert.rejects(cache.get('bad', () => Promise.reject(new Error('no'))));
    assert.equal(await cache.get('bad', make), 3, 'a failure is not kept');
    cache.forget('k');
    assert.equal(await cache.get('k', make), 4, 'forgotten: made again');
    assert.equal(makes, 4);
  });
});
