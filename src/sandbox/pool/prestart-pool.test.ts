// The pre-started pool's room on the host (pool-room.ts): held from the moment a pre-start is
// decided, given back when a sandbox is handed out, destroyed or reclaimed — even mid-start.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GenericSpec } from './pool-key.js';
import type { PoolRoom } from './pool-room.js';
import { PrestartPool, type PoolMember } from './prestart-pool.js';

interface Fake extends PoolMember {
  destroyed: boolean;
  /** Ends its process from outside (a kill Hearth did not make). */
  end(): void;
}

function fixture(freeMb: number): {
  pool: PrestartPool<Fake>;
  room: PoolRoom & { heldMb: number };
  finishStart: () => Fake;
  startsUnderWay: () => number;
} {
  const starts: Array<(member: Fake) => void> = [];
  const room = {
    heldMb: 0,
    reserve(mb: number) {
      if (room.heldMb + mb > freeMb) return false;
      room.heldMb += mb;
      return true;
    },
    release(mb: number) {
      room.heldMb -= mb;
    },
    readied: () => undefined,
  };
  const pool = new PrestartPool<Fake>(
    { max: 2, windowMs: 10_000, idleMs: 600_000 },
    () => new Promise<Fake>((resolve) => starts.push(resolve)),
    () => undefined,
    Date.now,
    128,
  );
  pool.useRoom(room);
  const finishStart = (): Fake => {
    let end = (): void => undefined;
    const member: Fake = {
      destroyed: false,
      gone: new Promise<void>((resolve) => (end = resolve)),
      end: () => end(),
      destroy: async () => void (member.destroyed = true),
    };
    const start = starts.shift();
    assert.ok(start !== undefined, 'a pre-start was under way');
    start(member);
    return member;
  };
  return { pool, room, finishStart, startsUnderWay: () => starts.length };
}

const generic = { argv: ['node'], runtimeDir: '/r', hostPaths: [], env: {} } as unknown as GenericSpec;
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PrestartPool and the host room', () => {
  it('holds room from the decision to pre-start, starts none without it, and gives it back when handing one out', async () => {
    const { pool, room, finishStart } = fixture(128);
    pool.prime('k', generic);
    assert.equal(room.heldMb, 128, 'room taken before the sandbox exists');
    finishStart();
    await settle();
    assert.equal(pool.readyCount('k'), 1);
    assert.equal(room.heldMb, 128, 'no room for a second one: not started');
    const taken = pool.take('k', generic);
    assert.ok(taken !== undefined);
    assert.equal(room.heldMb, 128, "the handed-out one's room went back and the refill took it");
    finishStart();
    await pool.close();
    assert.equal(room.heldMb, 0, 'closing gives every room back');
  });

  it("starts a handed-out sandbox's replacement only once that sandbox has answered its first invocation", async () => {
    const { pool, finishStart, startsUnderWay } = fixture(1024);
    pool.prime('k', generic);
    finishStart();
    await settle();
    finishStart();
    await settle();
    assert.equal(pool.readyCount('k'), 2);
    let answered: () => void = () => undefined;
    const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
    assert.ok(pool.take('k', generic, firstAnswer) !== undefined);
    await settle();
    assert.equal(startsUnderWay(), 0, 'no pre-start beside the start it would slow down');
    answered();
    await settle();
    assert.equal(startsUnderWay(), 1, 'refilled once it answered');
    finishStart();
    await pool.close();
  });

  it('a reclaim cancels a pre-start under way: room back at once, done once its process is destroyed', async () => {
    const { pool, room, finishStart } = fixture(256);
    pool.prime('k', generic);
    assert.equal(room.heldMb, 128);
    const gone = pool.reclaimOne();
    assert.ok(gone !== undefined, 'a pre-start under way can be reclaimed');
    assert.equal(room.heldMb, 0, 'its room is back before it has even started');
    let done = false;
    void gone.then(() => (done = true));
    await settle();
    assert.equal(done, false, 'not done while its process may still exist');
    const member = finishStart();
    await gone;
    assert.equal(member.destroyed, true);
    assert.equal(pool.readyCount('k'), 0, 'never handed out');
    assert.equal(pool.reclaimOne(), undefined, 'nothing left to reclaim');
    await pool.close();
  });

  it('one that ends while ready leaves the pool, is destroyed (its resources freed) and gives its room back', async () => {
    const { pool, room, finishStart } = fixture(128);
    pool.prime('k', generic);
    const member = finishStart();
    await settle();
    assert.equal(pool.readyCount('k'), 1);
    member.end();
    await settle();
    assert.equal(pool.readyCount('k'), 0, 'never handed out');
    assert.equal(member.destroyed, true, 'destroyed, not only dropped');
    assert.equal(room.heldMb, 0, 'room back');
    await pool.close();
  });
});
