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
  it('hold room from the budget and the count cap, and never take the last of either', async () => {
    const pool = fakePool();
    const options = { sandboxMemoryMb: 512, maxSandboxes: 3, pool };
    const harness = await startHarness(options);
    try {
      const room = harness.workers.poolRoom();
      assert.equal(room.reserve(128), true);
      assert.equal(room.reserve(128), true);
      assert.equal(room.reserve(128), false, 'one of the 3 sandbox slots always stays free for a start');
      assert.deepEqual(
        { reserved: harness.workers.capacity().reservedMb, prestarted: harness.workers.capacity().prestarted },
        { reserved: 256, prestarted: 2 },
      );
      room.release(128);
      assert.equal(room.reserve(192), true, '384 MB free: 192 taken, 192 stay free');
      assert.equal(room.reserve(128), false, 'only 192 MB free: taking 128 would leave less than 128');
      assert.equal(harness.workers.capacity().reservedMb, 320);
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
      for (let i = 0; i < 2; i++) assert.equal(room.reserve(128), true);
      assert.equal(room.reserve(128), false);
      pool.ready = 2;
      await harness.addFunction({ name: 'needs-room', memorySize: 256 });
      const outcome = await harness.invoke('needs-room', {});
      assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
      assert.equal(pool.reclaimed, 1, 'one pre-started sandbox gave its room back, not both');
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
