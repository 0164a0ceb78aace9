// Held sandboxes of the isolated driver (held-sandbox.ts), in real sandboxes: a start without a
// pre-started runtime takes the sandbox made ahead for its kind, and the function in it gets its own
// environment, code, layers, limits and user, with the runtime started only then — Hearth's Node
// runtime and a custom runtime alike. Needs Linux and root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  hostPidsTitled,
  isolatedHarness,
  isolationSkipReason,
  successPayload,
  type IsolatedHarness,
  type TestEnvironment,
} from './isolated-test-environment.js';
import { instanceName } from '../isolation/owner-identity.js';

const skip = await isolationSkipReason();

const probe = {
  'index.mjs': `import fs from 'node:fs';
const errno = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
export const handler = async (event) => {
  if (event.allocateMb) { const keep = []; for (let i = 0; i < event.allocateMb; i++) keep.push(Buffer.alloc(1024 * 1024, 1)); return keep.length; }
  process.title = event.title;
  fs.writeFileSync('/tmp/' + event.title, 'x');
  return {
    uid: process.getuid(),
    env: process.env,
    code: fs.readFileSync('./data.txt', 'utf8'),
    layer: errno(() => fs.readFileSync('/opt/layer.txt', 'utf8')) === 'ok' ? fs.readFileSync('/opt/layer.txt', 'utf8') : 'none',
    tmp: fs.readdirSync('/tmp').sort(),
    writeCode: errno(() => fs.writeFileSync('/var/task/x', 'x')),
  };
};`,
};

interface Seen {
  uid: number;
  env: Record<string, string>;
  code: string;
  layer: string;
  tmp: string[];
  writeCode: string;
}

/** The host pid of a process's parent. */
function parentPid(pid: number): number {
  return Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

describe('isolated driver: held sandboxes', { skip, timeout: 120_000 }, () => {
  let harness: IsolatedHarness;
  let seed: TestEnvironment;
  before(async () => {
    harness = await isolatedHarness();
    // The first start of a kind launches a sandbox; once it answered, one of its kind is held.
    seed = await harness.start({ files: { ...probe, 'data.txt': 'seed' }, variables: { SEED_ONLY: 'seed' } });
    successPayload(await seed.invoke({ title: 'hearth-held-seed' }));
  });
  after(async () => harness?.close());

  it('a function started in a held sandbox sees its own environment, code, layers, /tmp, user and memory limit only', async () => {
    assert.equal(await harness.driver.heldReady(seed.environment.settings.spec), true, 'a sandbox was held');
    // A process started just before the start: the held sandbox is older.
    const marker = spawnSync('/bin/true').pid!;
    const fn = await harness.start({
      files: { ...probe, 'data.txt': 'held' },
      optFiles: { 'layer.txt': 'layer-held' },
      variables: { HELD_ONLY: 'yes' },
      memoryMb: 512,
    });
    const seen = successPayload<Seen>(await fn.invoke({ title: 'hearth-held-fn' }));
    const [runtime] = hostPidsTitled('hearth-held-fn');
    assert.ok(runtime !== undefined, 'the runtime runs on the host under its title');
    // bwrap, the runtime's parent inside the sandbox, was there before the start was asked for (the
    // runtime itself is its init, exec'd in place, so its pid is as old).
    assert.ok(parentPid(runtime) < marker, `bwrap ${parentPid(runtime)}, marker ${marker}`);
    const seedSeen = successPayload<Seen>(await seed.invoke({ title: 'hearth-held-seed' }));
    assert.equal(seen.env['HELD_ONLY'], 'yes');
    assert.equal(seen.env['SEED_ONLY'], undefined);
    assert.equal(seen.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'], '512');
    assert.equal(seen.code, 'held');
    assert.equal(seen.layer, 'layer-held');
    assert.equal(seen.writeCode, 'EROFS');
    assert.deepEqual(seen.tmp, ['hearth-held-fn']);
    assert.notEqual(seen.uid, seedSeen.uid);
    // Held with a 128 MB limit, raised to the function's 512 MB when taken.
    assert.equal(successPayload<number>(await fn.invoke({ allocateMb: 300 })), 300);
  });

  it('holds any runtime: a custom runtime starts in one, and speaks the Runtime API on 127.0.0.1:9001', async () => {
    const bootstrap = `#!/usr/bin/node
const base = 'http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime/invocation/';
(async () => {
  for (;;) {
    const next = await fetch(base + 'next');
    const id = next.headers.get('lambda-runtime-aws-request-id');
    const event = await next.json();
    const body = JSON.stringify({ echo: event, greeting: process.env.GREETING, handler: process.env._HANDLER });
    await fetch(base + id + '/response', { method: 'POST', body });
  }
})();
`;
    const first = await harness.start({
      runtime: 'provided.al2023',
      handler: 'x',
      files: { bootstrap },
      variables: { GREETING: 'one' },
    });
    assert.deepEqual(successPayload(await first.invoke({ n: 1 })), { echo: { n: 1 }, greeting: 'one', handler: 'x' });
    assert.equal(
      await harness.driver.heldReady(first.environment.settings.spec),
      true,
      'a custom-runtime sandbox was held',
    );
    const second = await harness.start({
      runtime: 'provided.al2023',
      handler: 'y',
      files: { bootstrap },
      variables: { GREETING: 'two' },
    });
    assert.deepEqual(successPayload(await second.invoke({ n: 2 })), { echo: { n: 2 }, greeting: 'two', handler: 'y' });
  });
  it("closing the driver leaves none of its cgroups: held ones destroyed, the instance's directories removed", async () => {
    await harness.close();
    const leftovers = ['', 'memory', 'cpu', 'pids', 'freezer']
      .map((controller) => path.join('/sys/fs/cgroup', controller, 'hearth', instanceName()))
      .filter((dir) => existsSync(dir));
    assert.deepEqual(leftovers, []);
  });
});
