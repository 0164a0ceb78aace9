// The isolated driver against the security and limits rows of LAMBDA-BEHAVIOUR.md (D1–D22, B10–B12),
// with Hearth's real Node runtime in real sandboxes. Needs Linux and root; skips with the reason otherwise.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FREEZE_AFTER_IDLE_MS } from '../execution-environment.js';
import { readCgroupMounts } from '../isolation/cgroup-hierarchy.js';
import { instanceName } from '../isolation/owner-identity.js';
import { after, before, describe, it } from 'node:test';
import {
  isolatedHarness,
  isolationSkipReason,
  probeHandler as handler,
  successPayload,
  type IsolatedHarness,
} from './isolated-test-environment.js';

const skip = await isolationSkipReason();

/** This process's sandbox cgroups (in the pids hierarchy on v1, the unified one on v2). */
async function sandboxCgroups(): Promise<string[]> {
  const mounts = await readCgroupMounts();
  const root = mounts.v1.get('pids') ?? mounts.v2 ?? '';
  const dir = path.join(root, 'hearth', instanceName());
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

describe('isolated driver', { skip, timeout: 120_000 }, () => {
  let harness: IsolatedHarness;
  before(async () => {
    harness = await isolatedHarness();
  });
  after(async () => harness?.close());

  it('runs as its own unprivileged uid with no capabilities and no new privileges (D5, D23)', async () => {
    const sandbox = await harness.start({
      files: handler(`return { uid: process.getuid(), status: fs.readFileSync('/proc/self/status', 'utf8') };`),
    });
    const { uid, status } = successPayload<{ uid: number; status: string }>(await sandbox.invoke({}));
    assert.ok(uid >= 100_000, `uid ${uid}`);
    assert.match(status, /CapEff:\s+0000000000000000/);
    assert.match(status, /CapBnd:\s+0000000000000000/);
    assert.match(status, /NoNewPrivs:\s+1/);
  });

  it('sees none of the host: no /etc/shadow, /root, data dir or host code path (D1)', async () => {
    const sandbox = await harness.start({
      files: handler(
        `return { results: event.paths.map((p) => errno(() => fs.readdirSync(p))), shadow: errno(() => fs.readFileSync('/etc/shadow')), root: fs.readdirSync('/').sort() };`,
      ),
    });
    const paths = ['/root', harness.stateDir, sandbox.codeDir, '/home', '/work'];
    const seen = successPayload<{ results: string[]; shadow: string; root: string[] }>(await sandbox.invoke({ paths }));
    assert.deepEqual(
      seen.results,
      paths.map(() => 'ENOENT'),
    );
    assert.equal(seen.shadow, 'ENOENT');
    for (const entry of seen.root)
      assert.ok(
        [
          'bin',
          'dev',
          'etc',
          'lib',
          'lib32',
          'lib64',
          'libx32',
          'opt',
          'proc',
          'run',
          'sbin',
          'tmp',
          'usr',
          'var',
        ].includes(entry),
        `unexpected /${entry}`,
      );
  });

  it('/proc shows only the sandbox, and its pid 1 names no host path (D2)', async () => {
    const sandbox = await harness.start({
      files: handler(
        `return { pids: fs.readdirSync('/proc').filter((e) => /^\\d+$/.test(e)), init: fs.readFileSync('/proc/1/cmdline', 'utf8'), mounts: fs.readFileSync('/proc/self/mountinfo', 'utf8') };`,
      ),
    });
    const seen = successPayload<{ pids: string[]; init: string; mounts: string }>(await sandbox.invoke({}));
    assert.ok(seen.pids.length <= 5, `pids ${seen.pids.join(' ')}`);
    assert.ok(!seen.init.includes(harness.stateDir), seen.init);
    assert.ok(!seen.init.includes(sandbox.codeDir), seen.init);
  });

  it('cannot signal pid 1 or anything outside; kill(-1) reaches nothing beyond the sandbox (D5, D6)', async () => {
    const bystander = await harness.start({ files: handler(`return 'still here';`) });
    const attacker = await harness.start({
      files: handler(
        `const init = errno(() => process.kill(1, 'SIGKILL')); const platform = errno(() => process.kill(event.platformPid, 0)); const trace = errno(() => fs.readFileSync('/proc/1/environ')); if (event.killAll) process.kill(-1, 'SIGKILL'); return { init, platform, trace };`,
      ),
    });
    const seen = successPayload<{ init: string; platform: string; trace: string }>(
      await attacker.invoke({ platformPid: process.pid }),
    );
    assert.equal(seen.init, 'EPERM');
    assert.equal(seen.trace, 'EACCES');
    assert.ok(['ESRCH', 'EPERM'].includes(seen.platform), seen.platform);
    // kill(-1) reaches every process the sandbox's uid may signal but the caller and pid 1: inside
    // the sandbox's pid namespace that is at most its own helpers (the socat forwarders).
    const killed = await attacker.invoke({ platformPid: process.pid, killAll: true });
    assert.ok(['success', 'exit'].includes(killed.result.kind), killed.result.kind);
    assert.equal(successPayload<string>(await bystander.invoke({})), 'still here');
  });

  it('a fork bomb hits pids.max (EAGAIN) and the platform can still start sandboxes (D7)', async () => {
    const bomb = await harness.start({
      timeoutSeconds: 60,
      // A full vCPU (1,769 MB): at a small MemorySize's CPU share, spawning a thousand processes on a
      // busy 2-core host can outlast the timeout, and this test is about pids, not CPU. The sleeps
      // outlast any such slowness (30 s ones began to exit, freeing pids, on a host under load 13).
      // They die with the sandbox's cgroup.
      memoryMb: 1769,
      files:
        handler(`let n = 0; try { for (; n < 5000; n++) cp.spawn('/bin/sleep', ['600'], { stdio: 'ignore' }).on('error', () => {}); } catch (e) { return { n, code: e.code }; }
        await new Promise((r) => setTimeout(r, 200)); const failed = await new Promise((resolve) => { const c = cp.spawn('/bin/sleep', ['1']); c.on('error', (e) => resolve(e.code)); c.on('spawn', () => resolve('spawned')); }); return { n, code: failed };`),
    });
    const seen = successPayload<{ n: number; code: string }>(await bomb.invoke({}));
    assert.equal(seen.code, 'EAGAIN');
    const after = await harness.start({ files: handler(`return 'alive';`) });
    assert.equal(successPayload<string>(await after.invoke({})), 'alive');
    await bomb.close();
  });

  it('allocating twice MemorySize is Runtime.ExitError "signal: killed"; others are fine (D8, B10)', async () => {
    const other = await harness.start({ files: handler(`return 'fine';`) });
    const hog = await harness.start({
      memoryMb: 128,
      files: handler(
        `const chunks = []; for (let i = 0; i < 256; i++) chunks.push(Buffer.alloc(1024 * 1024, 1)); return chunks.length;`,
      ),
    });
    const run = await hog.invoke({});
    assert.deepEqual(run.result, {
      kind: 'exit',
      phase: 'invoke',
      reason: 'Runtime exited with error: signal: killed',
    });
    assert.match(run.logTail ?? '', /Max Memory Used: 1[0-2]\d MB/);
    assert.equal(successPayload<string>(await other.invoke({})), 'fine');
  });

  it('/tmp is capped at EphemeralStorage (ENOSPC) without counting as memory; the rest is read-only (D9, B9)', async () => {
    const filler = await harness.start({
      memoryMb: 128,
      ephemeralStorageMb: 192,
      timeoutSeconds: 60,
      files: handler(`const mb = Buffer.alloc(1024 * 1024, 7); let written = 0; let code = 'none';
        const fd = fs.openSync('/tmp/fill', 'w'); try { for (;;) { fs.writeSync(fd, mb); written++; } } catch (e) { code = e.code; } fs.closeSync(fd);
        return { written, code, task: errno(() => fs.writeFileSync('/var/task/x', 'x')), root: errno(() => fs.writeFileSync('/x', 'x')), etc: errno(() => fs.writeFileSync('/etc/passwd', 'x')) };`),
    });
    const seen = successPayload<{ written: number; code: string; task: string; root: string; etc: string }>(
      await filler.invoke({}),
    );
    assert.equal(seen.code, 'ENOSPC');
    assert.ok(seen.written >= 192 && seen.written <= 200, `wrote ${seen.written} MB`);
    assert.deepEqual([seen.task, seen.root], ['EROFS', 'EROFS']);
    assert.ok(['EROFS', 'EACCES'].includes(seen.etc), seen.etc);
  });

  it('open files stop at 1,024 with EMFILE (D10)', async () => {
    const sandbox = await harness.start({
      files: handler(
        `const fds = []; try { for (let i = 0; i < 5000; i++) fds.push(fs.openSync('/dev/null', 'r')); } catch (e) { const n = fds.length; fds.forEach((fd) => fs.closeSync(fd)); return { n, code: e.code }; } return { n: fds.length, code: 'none' };`,
      ),
    });
    const seen = successPayload<{ n: number; code: string }>(await sandbox.invoke({}));
    assert.equal(seen.code, 'EMFILE');
    assert.ok(seen.n > 950 && seen.n < 1024, `opened ${seen.n}`);
  });

  it('reaches nothing on the network but its Runtime API at 127.0.0.1:9001 (D12, D13)', async () => {
    const hostServer = createServer((socket) => socket.end('host'));
    await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
    const port = (hostServer.address() as { port: number }).port;
    try {
      const sandbox = await harness.start({
        files:
          handler(`const tryConnect = (host, port) => new Promise((resolve) => { const s = net.connect({ host, port, timeout: 1000 }); s.on('connect', () => { s.destroy(); resolve('connected'); }); s.on('timeout', () => { s.destroy(); resolve('timeout'); }); s.on('error', (e) => resolve(e.code)); });
          return { host: await tryConnect('127.0.0.1', event.port), outside: await tryConnect('1.1.1.1', 80), api: await tryConnect('127.0.0.1', 9001), env: process.env.AWS_LAMBDA_RUNTIME_API };`),
      });
      const seen = successPayload<Record<string, string>>(await sandbox.invoke({ port }));
      assert.equal(seen['host'], 'ECONNREFUSED');
      assert.ok(['ENETUNREACH', 'timeout'].includes(seen['outside']!), seen['outside']);
      assert.equal(seen['api'], 'connected');
      assert.equal(seen['env'], '127.0.0.1:9001');
    } finally {
      hostServer.close();
    }
  });

  it("one function never sees another's environment, /tmp or processes (D19, D20)", async () => {
    const a = await harness.start({
      variables: { SECRET: 'canary-A' },
      files: handler(`fs.writeFileSync('/tmp/mark', process.env.SECRET); globalThis.mark = 'A'; return 'written';`),
    });
    assert.equal(successPayload<string>(await a.invoke({})), 'written');
    const b = await harness.start({
      files:
        handler(`let hits = 0; for (const pid of fs.readdirSync('/proc').filter((e) => /^\\d+$/.test(e))) { try { if (fs.readFileSync('/proc/' + pid + '/environ', 'utf8').includes('canary-A')) hits++; } catch {} }
        return { hits, tmp: fs.readdirSync('/tmp'), mark: globalThis.mark ?? null, env: JSON.stringify(process.env).includes('canary-A') };`),
    });
    assert.deepEqual(successPayload(await b.invoke({})), { hits: 0, tmp: [], mark: null, env: false });
  });

  it('only fds 0–2 reach a process the function starts (D22)', async () => {
    const sandbox = await harness.start({
      files: handler(
        `return { fds: cp.execFileSync('/bin/ls', ['/proc/self/fd'], { encoding: 'utf8' }).trim().split('\\n'), cwd: process.cwd() };`,
      ),
    });
    // ls itself holds fd 3 open on the directory it lists.
    assert.deepEqual(successPayload(await sandbox.invoke({})), { fds: ['0', '1', '2', '3'], cwd: '/var/task' });
  });

  it('a timeout kills the whole tree, detached children included; the cgroup is gone (B11, B12)', async () => {
    // A duration no other test uses, so that only this sandbox's sleeps can match (test files run
    // side by side, and others start `sleep 300` too).
    const duration = `300.${process.pid}`;
    const sandbox = await harness.start({
      timeoutSeconds: 1,
      files: handler(
        `cp.spawn('/bin/sh', ['-c', 'setsid sleep ${duration} & sleep ${duration}'], { detached: true, stdio: 'ignore' }).unref(); for (;;) {}`,
      ),
    });
    const before = await sandboxCgroups();
    const run = await sandbox.invoke({});
    assert.equal(run.result.kind, 'timeout');
    await sandbox.environment.destroy();
    const leftovers = readdirSync('/proc').filter((pid) => {
      try {
        return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\u0000${duration}\u0000`;
      } catch {
        return false;
      }
    });
    assert.deepEqual(leftovers, [], `no sleep ${duration} survives the sandbox`);
    // Refills may add ready cgroups meanwhile; of those there before, only the sandbox's is gone.
    const after = await sandboxCgroups();
    assert.equal(before.filter((name) => !after.includes(name)).length, 1, 'the sandbox cgroup is removed');
  });

  it('is frozen between invocations: background timers do not run while idle (and do without freezing)', async () => {
    // The first invocation leaves a 5 ms interval running; the second reports how many ticks fell
    // in the idle gap between them, from when the freeze is due (FREEZE_AFTER_IDLE_MS after the
    // answer) to just before the second invocation. The gap is the behaviour under test, so it is a
    // fixed 400 ms.
    const ticker = {
      files: handler(
        `if (event.start) { globalThis.ticks = []; setInterval(() => globalThis.ticks.push(Date.now()), 5); globalThis.returnedAt = Date.now(); return 0; }
         const idle = globalThis.ticks.filter((t) => t > globalThis.returnedAt + event.freezeAfterMs + 30 && t < event.resumedAt - 20); return idle.length;`,
      ),
      memoryMb: 1769,
    };
    const gapTicks = async (sandbox: Awaited<ReturnType<IsolatedHarness['start']>>): Promise<number> => {
      successPayload<number>(await sandbox.invoke({ start: true }));
      await new Promise((resolve) => setTimeout(resolve, 400));
      return successPayload<number>(
        await sandbox.invoke({ resumedAt: Date.now(), freezeAfterMs: FREEZE_AFTER_IDLE_MS }),
      );
    };
    const frozen = await harness.start(ticker);
    assert.ok((await gapTicks(frozen)) <= 2, 'a frozen sandbox ran its timers while idle');
    const unfrozenHarness = await isolatedHarness({ freezeIdle: false });
    try {
      const running = await unfrozenHarness.start(ticker);
      assert.ok((await gapTicks(running)) >= 20, 'without freezing the timers run while idle');
    } finally {
      await unfrozenHarness.close();
    }
  });

  it("starts the same without Hearth's init (a build without a C compiler: setpriv and /bin/sh)", async () => {
    const shellHarness = await isolatedHarness({ init: false });
    try {
      const probe =
        handler(`const api = await new Promise((resolve) => { const s = net.connect({ host: '127.0.0.1', port: 9001 }); s.on('connect', () => { s.destroy(); resolve('connected'); }); s.on('error', (e) => resolve(e.code)); });
        return { uid: process.getuid(), status: fs.readFileSync('/proc/self/status', 'utf8'), api, pwd: process.env.PWD ?? null };`);
      for (const sandbox of [await shellHarness.start({ files: probe }), await harness.start({ files: probe })]) {
        const seen = successPayload<{ uid: number; status: string; api: string; pwd: string | null }>(
          await sandbox.invoke({}),
        );
        assert.ok(seen.uid >= 100_000, `uid ${seen.uid}`);
        for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb'])
          assert.match(seen.status, new RegExp(`${set}:\\s+0000000000000000`));
        assert.match(seen.status, /NoNewPrivs:\s+1/);
        assert.match(seen.status, /Groups:\s*\n/, 'no supplementary groups');
        assert.equal(seen.api, 'connected');
        assert.equal(seen.pwd, null);
      }
    } finally {
      await shellHarness.close();
    }
  });

  it("close() leaves nothing of this process in the driver's state dir (views, disk templates, disks)", async () => {
    const own = await isolatedHarness();
    try {
      const sandbox = await own.start({ files: handler('return 1;') });
      successPayload(await sandbox.invoke({}));
      const instanceDir = path.join(own.stateDir, instanceName());
      assert.ok(readdirSync(instanceDir).includes('etc'), 'the /etc view is made while the driver is open');
      await sandbox.close();
      await own.driver.close();
      assert.deepEqual(readdirSync(own.stateDir), []);
    } finally {
      await own.close();
    }
  });

  it('binds the merged layers read-only at /opt: require, ESM import and Python find them', async () => {
    const optFiles = {
      'nodejs/node_modules/greeter/package.json': '{ "main": "index.js" }',
      'nodejs/node_modules/greeter/index.js': "exports.greet = () => 'from /opt';",
      'python/greeter.py': "def greet():\n    return 'from /opt/python'\n",
    };
    const node = await harness.start({
      optFiles,
      files: {
        'index.mjs': `import fs from 'node:fs'; import { createRequire } from 'node:module'; import { greet } from 'greeter';
const errno = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
export const handler = async () => ({ esm: greet(), cjs: createRequire(import.meta.url)('greeter').greet(), write: errno(() => fs.writeFileSync('/opt/x', 'x')) });`,
      },
    });
    assert.deepEqual(successPayload(await node.invoke({})), { esm: 'from /opt', cjs: 'from /opt', write: 'EROFS' });
    const python = await harness.start({
      optFiles,
      runtime: 'python3.12',
      handler: 'app.handler',
      files: { 'app.py': 'import greeter\ndef handler(event, context):\n    return greeter.greet()\n' },
    });
    assert.equal(successPayload(await python.invoke({})), 'from /opt/python');
  });
});
