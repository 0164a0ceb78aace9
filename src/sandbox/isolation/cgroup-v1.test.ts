// cgroup v1 on the host's own hierarchies (root and a v1 freezer needed, else skipped): the
// instance's freezer pin (cgroup-v1.ts) and the kill loop on a real process tree.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readCgroupMounts } from './cgroup-hierarchy.js';
import { CgroupV1, FREEZER_PIN } from './cgroup-v1.js';
import { cpuQuota, MB } from './resource-limits.js';
import { eventually } from '../../testing/eventually.js';
import { forkingTree } from '../../testing/processes.js';

const PARENT = 'hearth-test';
const mounts = await readCgroupMounts().catch(() => undefined);
const freezerMount = mounts?.v1.get('freezer');
const skip =
  process.getuid?.() !== 0 || freezerMount === undefined || !['memory', 'pids', 'cpu'].every((c) => mounts?.v1.has(c))
    ? 'needs root and cgroup v1 with the memory, pids, cpu and freezer controllers'
    : false;

const limits = { memoryBytes: 128 * MB, pidsMax: 64, cpu: cpuQuota(128, 2, 'init') };

describe('cgroup v1: the freezer pin and the kill loop', { skip }, () => {
  after(async () => {
    // What a failed test left of this process's instances (the kill loop kills what still runs).
    const cgroups = new CgroupV1(mounts!.v1, PARENT);
    for (const instance of ['pin', 'sweep', 'kill'])
      await cgroups.removeInstance(`${instance}-${process.pid}`).catch(() => undefined);
    for (const mount of mounts?.v1.values() ?? []) {
      try {
        rmdirSync(path.join(mount, PARENT));
      } catch {
        // Not made in this hierarchy, or still used by a test file running beside this one.
      }
    }
  });

  it('keeps one empty cgroup frozen per instance from its first sandbox, removed with the instance', async () => {
    const cgroups = new CgroupV1(mounts!.v1, PARENT);
    const instance = `pin-${process.pid}`;
    const pin = path.join(freezerMount!, PARENT, instance, FREEZER_PIN);
    assert.equal(existsSync(pin), false, 'nothing before the first sandbox');
    const sandbox = await cgroups.create(instance, '1', limits);
    assert.equal(readFileSync(path.join(pin, 'freezer.state'), 'utf8').trim(), 'FROZEN');
    assert.equal(readFileSync(path.join(pin, 'cgroup.procs'), 'utf8'), '', 'nothing runs in it');
    await cgroups.create(instance, '2', limits).then((second) => second.remove());
    await sandbox.remove();
    await cgroups.removeEmptyInstance(instance);
    assert.equal(existsSync(path.join(freezerMount!, PARENT, instance)), false, 'pin and instance gone');
  });

  it("the stale sweep's removeInstance removes a dead instance's pin too", async () => {
    const instance = `sweep-${process.pid}`;
    await new CgroupV1(mounts!.v1, PARENT).create(instance, '1', limits);
    await new CgroupV1(mounts!.v1, PARENT).removeInstance(instance);
    assert.equal(existsSync(path.join(freezerMount!, PARENT, instance)), false);
  });

  it('kills a forking tree, frozen or not, and the cgroup can be removed', async () => {
    const cgroups = new CgroupV1(mounts!.v1, PARENT);
    const instance = `kill-${process.pid}`;
    for (const frozenFirst of [false, true]) {
      const sandbox = await cgroups.create(instance, String(Number(frozenFirst)), limits);
      // It forks only once it is in every hierarchy: a sleep in memory but not in pids, where the
      // kill loop looks, kept the memory cgroup busy (the EBUSY on rmdir this test met twice).
      forkingTree(sandbox.procsFiles);
      await eventually(async () => (await sandbox.pids()).length > 1, 5_000, 'the tree forked');
      if (frozenFirst) assert.equal(sandbox.setFrozen(true), true);
      await sandbox.kill();
      assert.deepEqual(await sandbox.pids(), [], `empty after the kill (frozen first: ${frozenFirst})`);
      await sandbox.remove();
    }
    await cgroups.removeEmptyInstance(instance);
  });
});
