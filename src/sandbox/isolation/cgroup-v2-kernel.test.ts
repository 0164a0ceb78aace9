// cgroup v2 on the kernel's own unified hierarchy, for what works there without controllers: the
// machines Hearth is tested on keep memory, pids and cpu on v1, so their cgroup2 mount has none,
// but membership (cgroup.procs), freezing (cgroup.freeze, cgroup.events) and killing (cgroup.kill)
// are core features of every v2 cgroup. Limits are pinned file by file in cgroup-v2.test.ts.
// Needs root and a cgroup2 mount with cgroup.kill (Linux ≥ 5.14); skips with the reason otherwise.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { readCgroupMounts } from './cgroup-hierarchy.js';
import { CgroupV2, SandboxCgroupV2 } from './cgroup-v2.js';
import { eventually } from '../../testing/eventually.js';
import { forkingTree } from '../../testing/processes.js';

const PARENT = `hearth-test-v2-${process.pid}`;
const v2 = (await readCgroupMounts().catch(() => undefined))?.v2;
/** Whether a cgroup made here has cgroup.kill (the root cgroup has no such file on any kernel). */
function childHasKill(): boolean {
  try {
    const dir = makeCgroup();
    const found = existsSync(path.join(dir, 'cgroup.kill'));
    rmdirSync(dir);
    return found;
  } catch {
    return false;
  }
}
const skip =
  process.getuid?.() !== 0 || v2 === undefined || !childHasKill()
    ? 'needs root and a cgroup2 mount with cgroup.kill (Linux ≥ 5.14)'
    : false;

/** A cgroup made by hand, as CgroupV2.create would (without the controllers' limits). */
function makeCgroup(...names: string[]): string {
  const dir = path.join(v2!, PARENT, ...names);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Waits until cgroup.events says `frozen <0|1>`: the kernel's word that every task has stopped, or runs again. */
function frozenState(dir: string, frozen: boolean): Promise<void> {
  const want = `frozen ${Number(frozen)}`;
  return eventually(
    () => readFileSync(path.join(dir, 'cgroup.events'), 'utf8').includes(want),
    5_000,
    `cgroup.events says "${want}"`,
  );
}

describe('cgroup v2 on the kernel: membership, freezing and killing', { skip }, () => {
  after(async () => {
    // What a failed test left (the kill loop kills what still runs), then the parent.
    const cgroups = new CgroupV2(v2!, PARENT);
    for (const instance of await cgroups.instances()) await cgroups.removeInstance(instance).catch(() => undefined);
    try {
      rmdirSync(path.join(v2!, PARENT));
    } catch {
      // Something could not be removed: left for a look.
    }
  });

  it('lists, freezes, thaws, kills (frozen or not) and removes a forking tree', async () => {
    for (const frozenFirst of [false, true]) {
      const dir = makeCgroup('instance', `s${Number(frozenFirst)}`);
      const sandbox = new SandboxCgroupV2(dir);
      forkingTree([path.join(dir, 'cgroup.procs')]);
      await eventually(async () => (await sandbox.pids()).length > 1, 5_000, 'the tree forked');
      assert.equal(sandbox.setFrozen(true), true);
      await frozenState(dir, true);
      if (!frozenFirst) {
        assert.equal(sandbox.setFrozen(false), true);
        await frozenState(dir, false);
      }
      await sandbox.kill();
      assert.deepEqual(await sandbox.pids(), [], `empty after the kill (frozen first: ${frozenFirst})`);
      await sandbox.remove();
      assert.equal(existsSync(dir), false, 'removed');
    }
    rmdirSync(path.join(v2!, PARENT, 'instance'));
  });

  it("the stale sweep's removeInstance kills and removes every sandbox of a dead instance", async () => {
    const [first, second] = [makeCgroup('dead', 'a'), makeCgroup('dead', 'b')];
    forkingTree([path.join(first, 'cgroup.procs')]);
    forkingTree([path.join(second, 'cgroup.procs')]);
    new SandboxCgroupV2(second).setFrozen(true);
    const cgroups = new CgroupV2(v2!, PARENT);
    assert.deepEqual(await cgroups.instances(), ['dead']);
    await cgroups.removeInstance('dead');
    assert.equal(existsSync(path.join(v2!, PARENT, 'dead')), false);
    assert.deepEqual(await cgroups.instances(), []);
  });
});
