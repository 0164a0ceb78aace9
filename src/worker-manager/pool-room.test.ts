// Pre-started sandboxes (the isolated driver's pool) hold room in the host's sandbox memory budget
// and count cap like every other sandbox, so the pool never overcommits the host; a start that
// needs their room takes it back before it would wait or evict anything.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PoolReclaim, PoolRoom } from '../sandbox/pool/pool-room.js';
import { startHarness } from '../frontend/tiny-runtime.fixture.js';

/** A pool of `ready` pre-started sandboxes of 128 MB that gives its room back when reclaimed. */
function fakePool(): PoolReclaim & { room?: PoolRoom; ready: number; reclaimed: number } {
  const pool = {
    room: undefined as PoolRoom | undefined,
    ready: 0,
    reclaimed: 0,
    reclaimOne(): Promise<void> | undefined {
      if (pool.ready === 0) return undefined;
      pool.ready -= 1;
      pool.reclaimed += 1;
      pool.room?.release(128);
      return Promise.resolve();
    },
  };
  return pool;
}

describe('pre-started sandboxes and host capacity', () => {
  it('hold room from the budget and the count cap, and get none beyond them', async () => {
    const pool = fakePool();
    const options = { sandboxMemoryMb: 384, maxSandboxes: 2, pool };
    const harness = await startHarness(options);
    try {
      const room = harness.workers.poolRoom();
      assert.equal(room.reserve(128), true);
      assert.equal(room.reserve(128), true);
      assert.equal(room.reserve(128), false, 'the count cap (2) is reached');
      assert.deepEqual(
        { reserved: harness.workers.capacity().reservedMb, prestarted: harness.workers.capacity().prestarted },
        { reserved: 256, prestarted: 2 },
      );
      room.release(128);
      assert.equal(room.reserve(384), false, 'the budget (384 MB, 128 held) has no 384 MB left');
      assert.equal(harness.workers.capacity().reservedMb, 128);
    } finally {
      await harness.close();
    }
  });

  it('give their room back to a start that needs it, instead of making it wait or fail', async () => {
    const pool = fakePool();
    const options = { sandboxMemoryMb: 384, maxSandboxes: 3, queueWaitMs: 0, pool };
    const harness = await startHarness(options);
    try {
      const room = harness.workers.poolRoom();
      pool.room = room;
      for (let i = 0; i < 3; i++) assert.equal(room.reserve(128), true);
      pool.ready = 3;
      await harness.addFunction({ name: 'needs-room', memorySize: 256 });
      const outcome = await harness.invoke('needs-room', {});
      assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
      assert.equal(pool.reclaimed, 2, 'two pre-started sandboxes (256 MB) gave their room back, not three');
      assert.deepEqual(
        {
          reserved: harness.workers.capacity().reservedMb,
          sandboxes: harness.workers.capacity().sandboxes,
          prestarted: harness.workers.capacity().prestarted,
        },
        { reserved: 384, sandboxes: 1, prestarted: 1 },
      );
    } finally {
      await harness.close();
    }
  });
});
