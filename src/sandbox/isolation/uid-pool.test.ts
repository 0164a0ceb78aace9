import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UidPool } from './uid-pool.js';

describe('UidPool', () => {
  it('hands out distinct uids from its range, wrapping around', () => {
    const pool = new UidPool(1000, 3, 2);
    assert.deepEqual([pool.acquire(), pool.acquire(), pool.acquire()], [1002, 1000, 1001]);
  });

  it('does not reuse a uid until it is released, and then only after the others', () => {
    const pool = new UidPool(1000, 2, 0);
    const first = pool.acquire();
    pool.acquire();
    assert.throws(() => pool.acquire(), /in use/);
    pool.release(first);
    assert.equal(pool.acquire(), first);
  });
});
