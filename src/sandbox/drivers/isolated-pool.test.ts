// The pre-started pool of the isolated driver, with Hearth's real Node runtime in real sandboxes:
// a generic sandbox specialised for one function sees that function's environment, code, layers
// and limits, and nothing of it ever reaches another function. Needs Linux and root.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { genericSpec, poolKey } from '../pool/pool-key.js';
import {
  isolatedHarness,
  isolationSkipReason,
  successPayload,
  type IsolatedHarness,
  type TestEnvironment,
} from './isolated-test-environment.js';

const skip = await isolationSkipReason();

/** Reports what the function sees; `performance.timeOrigin` tells when its process started. */
const probe = {
  'index.mjs': `import fs from 'node:fs';
const errno = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
export const handler = async (event) => {
  if (event.askRuntimeApi) {
    const answer = await fetch('http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime/invocation/not-an-id/response', { method: 'POST', body: '{}' });
    return { status: answer.status, body: await answer.text() };
  }
  if (event.allocateMb) { const keep = []; for (let i = 0; i < event.allocateMb; i++) keep.push(Buffer.alloc(1024 * 1024, 1)); return keep.length; }
  if (event.write) fs.writeFileSync('/tmp/' + event.write, 'x');
  return {
    processStartedAt: performance.timeOrigin,
    uid: process.getuid(),
    env: process.env,
    cwd: process.cwd(),
    code: fs.readFileSync('./data.txt', 'utf8'),
    layer: errno(() => fs.readFileSync('/opt/layer.txt', 'utf8')) === 'ok' ? fs.readFileSync('/opt/layer.txt', 'utf8') : 'none',
    tmp: fs.readdirSync('/tmp').sort(),
    writeCode: errno(() => fs.writeFileSync('/var/task/x', 'x')),
    taskMount: fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\\n').filter((l) => l.split(' ')[4] === '/var/task').pop(),
  };
};`,
};

/** Python source of `age()`: seconds since this process started (Python has no timeOrigin). */
const PYTHON_AGE = `def age():
    ticks = int(open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19])
    return float(open('/proc/uptime').read().split()[0]) - ticks / os.sysconf('SC_CLK_TCK')
`;

interface Seen {
  processStartedAt: number;
  uid: number;
  env: Record<string, string>;
  cwd: string;
  code: string;
  layer: string;
  tmp: string[];
  writeCode: string;
  taskMount: string;
}

describe('isolated driver: pre-started pool', { skip, timeout: 120_000 }, () => {
  let harness: IsolatedHarness;
  let key: string;
  before(async () => {
    harness = await isolatedHarness({ poolSize: 2 });
    // A first (cold) start of the kind, then fill the pool to its cap and wait for it.
    const seed = await harness.start({ files: { ...probe, 'data.txt': 'seed' } });
    key = poolKey(genericSpec(seed.environment.settings.spec));
    assert.ok(harness.driver.prime(seed.environment.settings.spec) === key);
    assert.ok(await harness.driver.poolReady(key, 2), 'two pre-started sandboxes became ready');
  });
  after(async () => harness?.close());

  /** Starts a function and says whether its runtime process existed before the start was asked for. */
  const startTimed = async (fn: Parameters<IsolatedHarness['start']>[0]): Promise<[TestEnvironment, Seen, boolean]> => {
    const askedAt = performance.timeOrigin + performance.now();
    const sandbox = await harness.start(fn);
    const seen = successPayload<Seen>(await sandbox.invoke({ write: fn.name }));
    return [sandbox, seen, seen.processStartedAt < askedAt];
  };

  it("gives each function a pre-started sandbox with that function's environment, code, layers and limits only", async () => {
    const [a, seenA, pooledA] = await startTimed({
      name: 'pool-a',
      files: { ...probe, 'data.txt': 'code of A' },
      optFiles: { 'layer.txt': 'layer of A' },
      variables: { WHO: 'A', ONLY_A: 'secret-a' },
      memoryMb: 128,
    });
    const [b, seenB, pooledB] = await startTimed({
      name: 'pool-b',
      files: { ...probe, 'data.txt': 'code of B' },
      variables: { WHO: 'B' },
      memoryMb: 256,
    });
    assert.ok(pooledA && pooledB, 'both runtimes were started before their functions asked');

    assert.equal(seenA.env['WHO'], 'A');
    assert.equal(seenA.env['ONLY_A'], 'secret-a');
    assert.equal(seenA.env['AWS_LAMBDA_FUNCTION_NAME'], 'pool-a');
    assert.equal(seenA.env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'], '128');
    assert.equal(seenA.env['_HEARTH_PRESTARTED'], undefined, 'no trace of the pre-start');
    assert.equal(seenA.env['_HEARTH_RUNTIME_API_SOCKET'], undefined);
    assert.equal(seenA.cwd, '/var/task');
    assert.equal(seenA.code, 'code of A');
    assert.equal(seenA.layer, 'layer of A');
    assert.deepEqual(seenA.tmp, ['pool-a']);
    assert.equal(seenA.writeCode, 'EROFS');
    assert.match(seenA.taskMount, / \/var\/task ro,nosuid,nodev[ ,]/);

    assert.equal(seenB.env['WHO'], 'B');
    assert.equal(seenB.env['ONLY_A'], undefined);
    assert.equal(seenB.code, 'code of B');
    assert.equal(seenB.layer, 'none');
    assert.deepEqual(seenB.tmp, ['pool-b'], "B's /tmp holds nothing of A's");
    assert.notEqual(seenB.uid, seenA.uid);
    assert.notEqual(seenB.processStartedAt, seenA.processStartedAt, 'B runs in another process');

    // Anything else in the sandbox reaches the function's own Runtime API at AWS_LAMBDA_RUNTIME_API
    // (127.0.0.1 → the sandbox's socket, whose pre-start listener now hands connections on).
    assert.deepEqual(successPayload(await a.invoke({ askRuntimeApi: true })), {
      status: 400,
      body: '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}',
    });

    // Each MemorySize applies: A's 128 MB (the pre-start's own limit) kills at 300 MB; B's 256 MB,
    // raised at specialisation, holds 180 MB.
    const oom = await a.invoke({ allocateMb: 300 });
    assert.equal(oom.result.kind, 'exit');
    assert.match(JSON.stringify(oom.result), /signal: killed/);
    assert.equal(successPayload<number>(await b.invoke({ allocateMb: 180 })), 180);
  });

  it('mounts code only inside each sandbox: none on the host, and teardowns beside specialisations take nothing away', async () => {
    // Host mount points under the driver's state dir other than the sandboxes' /tmp disks.
    const hostMounts = (): string[] =>
      readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .map((line) => line.split(' ')[4] ?? '')
        .filter((point) => point.startsWith(harness.stateDir) && !point.endsWith('/tmp'));
    for (let round = 0; round < 3; round++) {
      assert.ok(await harness.driver.poolReady(key, 2), 'the pool refilled');
      const [[kept, keptSeen, pooled], [gone]] = await Promise.all([
        startTimed({ name: `keep-${round}`, files: { ...probe, 'data.txt': `kept ${round}` } }),
        startTimed({ name: `gone-${round}`, files: { ...probe, 'data.txt': `gone ${round}` } }),
      ]);
      assert.ok(pooled, 'served from the pool');
      assert.equal(keptSeen.code, `kept ${round}`);
      assert.deepEqual(hostMounts(), [], 'nothing of a pooled sandbox is mounted on the host');
      // One sandbox torn down while the next is specialised: the survivor still has its code.
      const [, [next, nextSeen]] = await Promise.all([
        gone.close(),
        startTimed({ name: `next-${round}`, files: { ...probe, 'data.txt': `next ${round}` } }),
      ]);
      assert.equal(nextSeen.code, `next ${round}`);
      assert.equal(successPayload<Seen>(await kept.invoke({})).code, `kept ${round}`);
      await Promise.all([kept.close(), next.close()]);
    }
  });

  it("serves another Node runtime from the same pool, with that runtime's NODE_PATH for require()", async () => {
    assert.ok(await harness.driver.poolReady(key, 1), 'a nodejs20.x sandbox is ready');
    const askedAt = performance.timeOrigin + performance.now();
    const sandbox = await harness.start({
      name: 'pool-node22',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      files: {
        // A bare require of a file at the task root resolves through NODE_PATH's /var/task only.
        'index.js': `exports.handler = async () => ({
  processStartedAt: performance.timeOrigin,
  nodePath: process.env.NODE_PATH,
  searched: require.resolve.paths('anything'),
  helper: require('helper'),
});`,
        'helper.js': "module.exports = 'from the task root';",
      },
    });
    const seen = successPayload<{ processStartedAt: number; nodePath: string; searched: string[]; helper: string }>(
      await sandbox.invoke({}),
    );
    assert.ok(seen.processStartedAt < askedAt, 'its runtime was pre-started');
    assert.match(seen.nodePath, /^\/opt\/nodejs\/node22\/node_modules:/);
    assert.ok(seen.searched.includes('/opt/nodejs/node22/node_modules'), seen.searched.join(' '));
    assert.ok(!seen.searched.includes('/opt/nodejs/node20/node_modules'), seen.searched.join(' '));
    assert.equal(seen.helper, 'from the task root');
    await sandbox.close();
  });

  /** Starts a python3.12 function (a cold start), then waits for a pre-started sandbox of its kind. */
  const primedPython = async (
    files: Record<string, string>,
    optFiles?: Record<string, string>,
  ): Promise<TestEnvironment> => {
    const seed = await harness.start({
      runtime: 'python3.12',
      handler: 'app.handler',
      files,
      ...(optFiles !== undefined ? { optFiles } : {}),
    });
    const pyKey = harness.driver.prime(seed.environment.settings.spec);
    assert.ok(pyKey !== undefined && (await harness.driver.poolReady(pyKey, 1)), 'a Python sandbox became ready');
    return seed;
  };

  it('specialises a pre-started Python runtime: its variables, code, and modules from its layers', async () => {
    const files = {
      'app.py': `import os, time
${PYTHON_AGE}
def handler(event, context):
    import layered
    return {'who': os.environ.get('WHO'), 'code': open('data.txt').read(), 'layer': layered.VALUE,
            'ageMs': age() * 1000, 'marker': os.environ.get('_HEARTH_PRESTARTED')}
`,
      'data.txt': 'python code',
    };
    await primedPython(files, { 'python/layered.py': 'VALUE = 1' });
    const askedAt = performance.now();
    const sandbox = await harness.start({
      runtime: 'python3.12',
      handler: 'app.handler',
      files,
      optFiles: { 'python/layered.py': 'VALUE = "from the layer"' },
      variables: { WHO: 'python' },
    });
    const seen = successPayload<{ who: string; code: string; layer: string; ageMs: number; marker: null }>(
      await sandbox.invoke({}),
    );
    assert.deepEqual([seen.who, seen.code, seen.layer, seen.marker], ['python', 'python code', 'from the layer', null]);
    assert.ok(
      seen.ageMs > performance.now() - askedAt,
      `the runtime process is older than its start (${seen.ageMs} ms)`,
    );
  });

  it("serves another Python runtime from the same pool, with that runtime's layer folder on sys.path", async () => {
    const files = {
      'app.py': `import os, sys, time
${PYTHON_AGE}
def handler(event, context):
    import versioned
    return {'path': sys.path, 'versioned': versioned.VALUE, 'ageMs': age() * 1000}
`,
    };
    const seed = await primedPython({ 'app.py': 'x = 1' });
    const askedAt = performance.now();
    const sandbox = await harness.start({
      runtime: 'python3.13',
      handler: 'app.handler',
      files,
      optFiles: {
        'python/lib/python3.13/site-packages/versioned.py': 'VALUE = "3.13"',
        'python/lib/python3.12/site-packages/versioned.py': 'VALUE = "3.12"',
      },
    });
    const seen = successPayload<{ path: string[]; versioned: string; ageMs: number }>(await sandbox.invoke({}));
    assert.ok(
      seen.ageMs > performance.now() - askedAt,
      `the runtime process is older than its start (${seen.ageMs} ms)`,
    );
    assert.equal(seen.versioned, '3.13');
    assert.ok(seen.path.includes('/opt/python/lib/python3.13/site-packages'), seen.path.join(' '));
    assert.ok(!seen.path.includes('/opt/python/lib/python3.12/site-packages'), seen.path.join(' '));
    await Promise.all([seed.close(), sandbox.close()]);
  });

  it('refills in the background, and a spec it cannot serve (larger /tmp) starts cold', async () => {
    assert.ok(await harness.driver.poolReady(key, 1), 'refilled');
    const [, seen, pooled] = await startTimed({
      name: 'pool-big-tmp',
      files: { ...probe, 'data.txt': 'big' },
      ephemeralStorageMb: 1024,
    });
    assert.equal(pooled, false);
    assert.equal(seen.code, 'big');
  });
});
