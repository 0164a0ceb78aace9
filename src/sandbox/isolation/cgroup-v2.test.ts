// cgroup v2 on a directory that stands in for the unified hierarchy. The machines Hearth is tested on
// have their controllers on v1, so these tests pin what the v2 adapter writes, file by file, in the
// formats of the kernel's cgroup-v2 documentation (Documentation/admin-guide/cgroup-v2.rst).
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CgroupV2, SandboxCgroupV2 } from './cgroup-v2.js';
import { cpuQuota, MB } from './resource-limits.js';

/** The interface files the kernel creates in every new v2 cgroup (the ones the adapter touches). */
const INTERFACE_FILES: Record<string, string> = {
  'memory.max': 'max\n',
  'memory.swap.max': 'max\n',
  'memory.oom.group': '0\n',
  'memory.peak': '0\n',
  'memory.current': '0\n',
  'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n',
  'pids.max': 'max\n',
  'cpu.max': 'max 100000\n',
  'cpu.weight': '100\n',
  'cgroup.freeze': '0\n',
  'cgroup.procs': '',
};

async function fakeCgroup(dir: string, overrides: Record<string, string> = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [file, contents] of Object.entries({ ...INTERFACE_FILES, ...overrides })) {
    await writeFile(path.join(dir, file), contents);
  }
}

const read = (dir: string, file: string): Promise<string> => readFile(path.join(dir, file), 'utf8');

void describe('cgroup v2 adapter', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hearth-cgroup-v2-'));
  });
  after(async () => rm(root, { recursive: true, force: true }));

  void it('creates <parent>/<instance>/<sandbox> and delegates memory, pids and cpu at each level', async () => {
    const hierarchy = new CgroupV2(root, 'hearth');
    const sandbox = await hierarchy.create('instance-1', 'sandbox-1', {
      memoryBytes: 256 * MB,
      pidsMax: 1024,
      cpu: cpuQuota(256, 2, 'invoke'),
    });
    for (const dir of [root, path.join(root, 'hearth'), path.join(root, 'hearth', 'instance-1')]) {
      assert.equal(await read(dir, 'cgroup.subtree_control'), '+memory +pids +cpu', dir);
    }
    const dir = path.join(root, 'hearth', 'instance-1', 'sandbox-1');
    assert.equal(await read(dir, 'memory.max'), String(256 * MB));
    assert.equal(await read(dir, 'pids.max'), '1024');
    assert.equal(await read(dir, 'cpu.max'), '14471 100000');
    assert.deepEqual(sandbox.procsFiles, [path.join(dir, 'cgroup.procs')]);
    assert.deepEqual(await hierarchy.instances(), ['instance-1']);
  });

  void it('limits memory without swap, kills the whole group on OOM, and lifts the CPU quota as "max"', async () => {
    const dir = path.join(root, 'limits');
    await fakeCgroup(dir);
    const cgroup = new SandboxCgroupV2(dir);
    await cgroup.applyLimits({ memoryBytes: 128 * MB, pidsMax: 1024, cpu: cpuQuota(128, 2, 'init') });
    assert.deepEqual(
      await Promise.all(
        ['memory.max', 'memory.swap.max', 'memory.oom.group', 'pids.max', 'cpu.max'].map((f) => read(dir, f)),
      ),
      [String(128 * MB), '0', '1', '1024', 'max 100000'],
    );
    await cgroup.setCpu(cpuQuota(1769, 2, 'invoke'));
    assert.equal(await read(dir, 'cpu.max'), '100000 100000', '1,769 MB is one vCPU: a whole period per period');
    await cgroup.setCpu(cpuQuota(885, 2, 'invoke'));
    assert.equal(await read(dir, 'cpu.max'), '50028 100000');
    await cgroup.setMemory(512 * MB);
    assert.equal(await read(dir, 'memory.max'), String(512 * MB));
  });

  void it('weights pre-started sandboxes least (cpu.weight 1) and others at the default 100', async () => {
    const dir = path.join(root, 'weight');
    await fakeCgroup(dir);
    const cgroup = new SandboxCgroupV2(dir);
    await cgroup.setCpuWeight('background');
    assert.equal(await read(dir, 'cpu.weight'), '1');
    await cgroup.setCpuWeight('normal');
    assert.equal(await read(dir, 'cpu.weight'), '100');
  });

  void it('freezes and thaws through cgroup.freeze', async () => {
    const dir = path.join(root, 'freeze');
    await fakeCgroup(dir);
    const cgroup = new SandboxCgroupV2(dir);
    assert.equal(cgroup.setFrozen(true), true);
    assert.equal((await read(dir, 'cgroup.freeze'))[0], '1');
    assert.equal(cgroup.setFrozen(false), true);
    assert.equal((await read(dir, 'cgroup.freeze'))[0], '0');
  });

  void it('reads the peak from memory.peak, falling back to memory.current on kernels before 5.19', async () => {
    const withPeak = path.join(root, 'peak');
    await fakeCgroup(withPeak, { 'memory.peak': `${200 * MB}\n`, 'memory.current': `${50 * MB}\n` });
    assert.equal(await new SandboxCgroupV2(withPeak).peakMemoryBytes(), 200 * MB);
    const old = path.join(root, 'old-kernel');
    await fakeCgroup(old, { 'memory.current': `${70 * MB}\n` });
    await rm(path.join(old, 'memory.peak'));
    assert.equal(await new SandboxCgroupV2(old).peakMemoryBytes(), 70 * MB);
  });

  void it('counts OOM kills from memory.events', async () => {
    const dir = path.join(root, 'oom');
    await fakeCgroup(dir, { 'memory.events': 'low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\noom_group_kill 1\n' });
    assert.equal(await new SandboxCgroupV2(dir).oomKills(), 2);
  });
});
