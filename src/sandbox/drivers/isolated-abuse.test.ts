// The isolated driver against the abuse rows of LAMBDA-BEHAVIOUR.md that isolated-driver.test.ts
// does not cover: masked /proc (D3), cgroup files (D4), CPU share (D11), setuid binaries (D18) and a
// runtime killed from outside in the middle of an invocation (B1). Needs Linux and root; skips with
// the reason otherwise.
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCgroupMounts } from '../isolation/cgroup-hierarchy.js';
import { instanceName } from '../isolation/owner-identity.js';
import {
  hostPidsTitled,
  isolatedHarness,
  isolationSkipReason,
  probeHandler as handler,
  successPayload,
  type IsolatedHarness,
} from './isolated-test-environment.js';

const skip = await isolationSkipReason();

/** Resolves once `probe` returns a non-empty list (polling; the condition is what is awaited). */
async function waitForPids(probe: () => number[], timeoutMs = 20_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found.length > 0) return found;
    if (Date.now() > deadline) throw new Error('no such process appeared');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The memory limits (bytes) of this process's sandbox cgroups. */
async function sandboxMemoryLimits(): Promise<number[]> {
  const mounts = await readCgroupMounts();
  const v1 = mounts.v1.get('memory');
  const root = v1 ?? mounts.v2 ?? '';
  const dir = path.join(root, 'hearth', instanceName());
  const file = v1 !== undefined ? 'memory.limit_in_bytes' : 'memory.max';
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => Number(readFileSync(path.join(dir, entry.name, file), 'utf8').trim()));
}

describe('isolated driver under abuse', { skip, timeout: 120_000 }, () => {
  let harness: IsolatedHarness;
  before(async () => {
    harness = await isolatedHarness();
  });
  after(async () => harness?.close());

  it('/proc/kcore, core_pattern and sysrq-trigger are out of reach; the host core_pattern is unchanged (D3)', async () => {
    const corePattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8');
    const sandbox = await harness.start({
      files: handler(`return {
        kcore: errno(() => fs.readFileSync('/proc/kcore').subarray(0, 16)),
        corePattern: errno(() => fs.writeFileSync('/proc/sys/kernel/core_pattern', '|/tmp/x')),
        sysrq: errno(() => fs.writeFileSync('/proc/sysrq-trigger', 'h')),
        sysctl: errno(() => fs.writeFileSync('/proc/sys/vm/drop_caches', '3')),
      };`),
    });
    const seen = successPayload<Record<string, string>>(await sandbox.invoke({}));
    for (const [probe, code] of Object.entries(seen)) {
      assert.ok(['EACCES', 'EROFS', 'EPERM', 'ENOENT'].includes(code), `${probe}: ${code}`);
    }
    assert.equal(readFileSync('/proc/sys/kernel/core_pattern', 'utf8'), corePattern);
  });

  it('cannot raise its own memory limit or reach any cgroup file (D4)', async () => {
    const sandbox = await harness.start({
      memoryMb: 128,
      files: handler(`const targets = ['/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/memory.max',
          '/sys/fs/cgroup/cgroup.procs', '/sys/fs/cgroup/memory/release_agent'];
        return Object.fromEntries(targets.map((t) => [t, errno(() => fs.writeFileSync(t, '9999999999'))]));`),
    });
    const seen = successPayload<Record<string, string>>(await sandbox.invoke({}));
    for (const [target, code] of Object.entries(seen)) {
      assert.ok(['EACCES', 'EROFS', 'EPERM', 'ENOENT'].includes(code), `${target}: ${code}`);
    }
    assert.ok(
      (await sandboxMemoryLimits()).includes(128 * 1024 * 1024),
      'the 128 MB limit of the sandbox is still in place',
    );
  });

  it('a busy loop gets no more CPU than its memory share (D11)', async () => {
    // 256 MB is 256/1769 of a vCPU (14.5 %): a second of spinning may use at most ~145 ms of CPU,
    // whatever the load on the host (the quota is an upper bound, not a guarantee).
    const spinner = await harness.start({
      memoryMb: 256,
      files: handler(`const start = Date.now(); const cpu = process.cpuUsage();
        while (Date.now() - start < 1000) {} const used = process.cpuUsage(cpu); return (used.user + used.system) / 1000;`),
    });
    const cpuMs = successPayload<number>(await spinner.invoke({}));
    assert.ok(cpuMs < 260, `a 256 MB function spun ${cpuMs.toFixed(0)} ms of CPU in one second`);
  });

  it('a setuid-root binary in the code runs with the sandbox uid, not root (D18)', async () => {
    const sandbox = await harness.start({
      files: handler(
        `return { id: cp.execFileSync('/var/task/id-suid', ['-u'], { encoding: 'utf8' }).trim(), uid: process.getuid(), mode: (fs.statSync('/var/task/id-suid').mode & 0o7777).toString(8) };`,
      ),
    });
    // Archives never keep setuid bits (the code store strips them); this plants one behind its back
    // to show the mount (nosuid) and no_new_privs hold on their own.
    copyFileSync('/usr/bin/id', path.join(sandbox.codeDir, 'id-suid'));
    chmodSync(path.join(sandbox.codeDir, 'id-suid'), 0o4755);
    const seen = successPayload<{ id: string; uid: number; mode: string }>(await sandbox.invoke({}));
    assert.equal(seen.mode, '4755', 'the planted binary is setuid');
    assert.equal(seen.id, String(seen.uid));
    assert.notEqual(seen.id, '0');
  });

  it('kill -9 of the runtime mid-invoke is Runtime.ExitError "signal: killed" and leaves nothing running (B1)', async () => {
    const marker = `hearth-b1-${process.pid}-${Date.now()}`;
    const sandbox = await harness.start({
      timeoutSeconds: 60,
      files: handler(
        `process.title = ${JSON.stringify(marker)}; cp.spawn('/bin/sleep', ['300'], { stdio: 'ignore' }); await new Promise(() => {});`,
      ),
    });
    const running = sandbox.invoke({});
    const [victim] = await waitForPids(() => hostPidsTitled(marker));
    process.kill(victim!, 'SIGKILL');
    const run = await running;
    assert.deepEqual(run.result, {
      kind: 'exit',
      phase: 'invoke',
      reason: 'Runtime exited with error: signal: killed',
    });
    await sandbox.environment.destroy();
    assert.deepEqual(hostPidsTitled(marker), [], 'the runtime is gone');
  });
});
