import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heldKey, aheadRefusal, HeldSandboxes, type HeldKind, type HeldSandbox } from './held-sandbox.js';

const node: HeldKind = {
  runtimeDir: '/rt/node',
  hostPaths: ['/usr'],
  readOnlyBinds: [{ host: '/sdk', sandbox: '/var/lang/lib/node_modules' }],
};
const python: HeldKind = { runtimeDir: '/rt/python', hostPaths: ['/usr'] };

/** A held sandbox as the pool sees it: `end()` makes it end while held. */
function fakeHeld(): HeldSandbox & { destroyed: boolean; end(): void } {
  let end = (): void => undefined;
  const gone = new Promise<void>((resolve) => (end = resolve));
  const held = {
    destroyed: false,
    gone,
    end: () => end(),
    destroy: async () => {
      held.destroyed = true;
    },
  };
  return held as unknown as HeldSandbox & { destroyed: boolean; end(): void };
}

describe('held sandboxes: which starts can take one', () => {
  const cases: Array<[string, Parameters<typeof aheadRefusal>[0], boolean]> = [
    ['default /tmp', { ephemeralStorageMb: 512 }, true],
    ['larger /tmp (its disk is made at the start)', { ephemeralStorageMb: 1024 }, false],
    ['outbound internet', { ephemeralStorageMb: 512, internet: true }, false],
    ['a memory burst', { ephemeralStorageMb: 512, memoryBurstMb: 1024 }, false],
  ];
  for (const [name, spec, takes] of cases)
    it(name, () => assert.equal(aheadRefusal(spec) === undefined, takes, aheadRefusal(spec)));

  it('one kind per runtime directory, host paths and read-only binds', () => {
    assert.equal(heldKey(node), heldKey({ ...node, readOnlyBinds: [...node.readOnlyBinds!] }));
    assert.notEqual(heldKey(node), heldKey(python));
    assert.notEqual(heldKey(node), heldKey({ ...node, readOnlyBinds: [] }));
  });
});

describe('held sandboxes: the pool', () => {
  it('makes one per kind only after a start of that kind answered, and hands each out once', async () => {
    const made: Array<HeldKind> = [];
    const pool = new HeldSandboxes(async (kind) => {
      made.push(kind);
      return fakeHeld();
    });
    let answered = (): void => undefined;
    const first = new Promise<void>((resolve) => (answered = resolve));
    assert.equal(pool.take(node, first), undefined, 'nothing is held before the first start of a kind');
    assert.equal(made.length, 0, 'and nothing is made before that start answered');
    answered();
    assert.equal(await pool.whenReady(node, 5_000), true);
    assert.deepEqual(made, [node]);
    const held = pool.take(node, new Promise(() => undefined));
    assert.ok(held !== undefined);
    assert.equal(pool.take(node, new Promise(() => undefined)), undefined, 'handed out once');
    assert.equal(pool.take(python, Promise.resolve()), undefined, 'another kind has its own');
    assert.equal(await pool.whenReady(python, 5_000), true);
    await pool.close();
  });

  it('holds up to its depth per kind, made one at a time, and makes another after each take', async () => {
    let making = 0;
    let most = 0;
    const made: Array<ReturnType<typeof fakeHeld>> = [];
    const pool = new HeldSandboxes(
      async () => {
        making += 1;
        most = Math.max(most, making);
        await new Promise((resolve) => setImmediate(resolve));
        making -= 1;
        const held = fakeHeld();
        made.push(held);
        return held;
      },
      undefined,
      2,
    );
    assert.equal(pool.take(node, Promise.resolve()), undefined);
    // Let the makes run: each is a turn of the event loop.
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(made.length, 2, 'two held, no more');
    assert.equal(most, 1, 'made one at a time');
    const first = pool.take(node, Promise.resolve());
    const second = pool.take(node, new Promise(() => undefined));
    assert.deepEqual([first, second], [made[0], made[1]], 'handed out oldest first, each once');
    assert.equal(pool.take(node, new Promise(() => undefined)), undefined, 'none left until one is made again');
    assert.equal(await pool.whenReady(node, 5_000), true, 'the first take made another');
    assert.equal(made.length, 3);
    await pool.close();
    assert.equal(made[2]!.destroyed, true, 'close destroys the held ones');
  });

  it('makes one per start that answered while starts follow each other, and fills up only when none is starting', async () => {
    // Each make waits until the test lets it finish.
    const finishes: Array<() => void> = [];
    const made: Array<ReturnType<typeof fakeHeld>> = [];
    const pool = new HeldSandboxes(
      () =>
        new Promise<HeldSandbox>((resolve) => {
          finishes.push(() => {
            const held = fakeHeld();
            made.push(held);
            resolve(held);
          });
        }),
      undefined,
      2,
    );
    const turns = async (): Promise<void> => {
      for (let turn = 0; turn < 10; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    };
    const start = (): { answer(): void } => {
      let answer = (): void => undefined;
      pool.take(node, new Promise<void>((resolve) => (answer = resolve)));
      return { answer };
    };
    // Nothing of the kind starting: filled to its depth.
    const first = start();
    first.answer();
    await turns();
    finishes.shift()!();
    await turns();
    finishes.shift()!();
    await turns();
    assert.equal(made.length, 2, 'full while nothing is starting');

    // Back-to-back starts: a takes one, answers (a make for it begins), b takes the other at once.
    const a = start();
    a.answer();
    const b = start();
    await turns();
    assert.equal(finishes.length, 1, 'one make for a');
    finishes.shift()!();
    await turns();
    assert.equal(finishes.length, 0, 'no second make while b is still starting (it would land on b alone)');
    b.answer();
    await turns();
    assert.equal(finishes.length, 1, 'b answered: its make begins, beside the start that follows b');
    finishes.shift()!();
    await turns();
    assert.equal(made.length, 4);
    await pool.close();
  });

  it('drops and destroys one that ended while held, and destroys the rest at close', async () => {
    const sandboxes: Array<ReturnType<typeof fakeHeld>> = [];
    const pool = new HeldSandboxes(async () => {
      const held = fakeHeld();
      sandboxes.push(held);
      return held;
    });
    pool.take(node, Promise.resolve());
    assert.equal(await pool.whenReady(node, 5_000), true);
    sandboxes[0]!.end();
    await sandboxes[0]!.gone;
    assert.equal(pool.take(node, new Promise(() => undefined)), undefined, 'a dead one is never handed out');
    assert.equal(sandboxes[0]!.destroyed, true, 'and it is destroyed, which frees what it held');
    pool.take(python, Promise.resolve());
    assert.equal(await pool.whenReady(python, 5_000), true);
    await pool.close();
    assert.equal(sandboxes[1]!.destroyed, true);
  });

  it('a failed make is logged, and the next start tries again', async () => {
    let logged = (_line: string): void => undefined;
    const line = new Promise<string>((resolve) => (logged = resolve));
    let fail = true;
    const pool = new HeldSandboxes(async () => {
      if (fail) throw new Error('no room');
      return fakeHeld();
    }, logged);
    pool.take(node, Promise.resolve());
    assert.match(await line, /making a held sandbox failed: Error: no room/);
    fail = false;
    assert.equal(pool.take(node, Promise.resolve()), undefined, 'none was held after the failure');
    assert.equal(await pool.whenReady(node, 5_000), true);
    await pool.close();
  });
});
