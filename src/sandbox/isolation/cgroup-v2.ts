// cgroup v2 (the unified hierarchy): one directory per sandbox with memory.max, memory.swap.max=0,
// memory.oom.group=1 (an OOM kills the whole sandbox, not one process), pids.max and cpu.max;
// cgroup.kill (Linux ≥ 5.14) kills it in one write. The parent and instance directories delegate
// the controllers through cgroup.subtree_control. The v2 "no internal processes" rule means the
// parent must be creatable where no process lives: the hierarchy root, or a delegated subtree.
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import {
  V2_REQUIRED,
  withLimits,
  type CgroupHierarchy,
  type CgroupLimits,
  type KillUntil,
  type SandboxCgroup,
} from './cgroup-hierarchy.js';
import {
  childCgroups,
  fileExists as exists,
  killUntilEmpty,
  readKeyed,
  readNumber,
  readNumberSync,
  readPidsSync,
  removeCgroupDir,
  writeValue,
  writeValueSync,
  HeldControlFile,
} from './cgroup-files.js';
import type { CpuQuota } from './resource-limits.js';

const SUBTREE = V2_REQUIRED.map((name) => `+${name}`).join(' ');

export class CgroupV2 implements CgroupHierarchy {
  readonly version = 2;
  private readonly parentDir: string;
  private readonly delegated = new Set<string>();

  constructor(
    private readonly root: string,
    parent: string,
  ) {
    this.parentDir = path.join(root, parent);
  }

  async create(instance: string, id: string, limits: CgroupLimits): Promise<SandboxCgroup> {
    const instanceDir = path.join(this.parentDir, instance);
    await this.delegate(this.root);
    await mkdir(instanceDir, { recursive: true });
    await this.delegate(this.parentDir);
    await this.delegate(instanceDir);
    const dir = path.join(instanceDir, id);
    await mkdir(dir);
    return withLimits(new SandboxCgroupV2(dir), limits);
  }

  async instances(): Promise<string[]> {
    return childCgroups(this.parentDir);
  }

  async removeInstance(instance: string): Promise<void> {
    const instanceDir = path.join(this.parentDir, instance);
    for (const id of await childCgroups(instanceDir)) await new SandboxCgroupV2(path.join(instanceDir, id)).remove();
    await removeCgroupDir(instanceDir);
  }

  async removeEmptyInstance(instance: string): Promise<void> {
    // rmdir refuses a cgroup with children: another driver of this process may still have sandboxes.
    await rmdir(path.join(this.parentDir, instance)).catch(() => undefined);
  }

  /** Enables the controllers for the children of `dir` (once per directory per process). */
  private async delegate(dir: string): Promise<void> {
    if (this.delegated.has(dir)) return;
    await writeValue(path.join(dir, 'cgroup.subtree_control'), SUBTREE);
    this.delegated.add(dir);
  }
}

export class SandboxCgroupV2 implements SandboxCgroup {
  readonly procsFiles: readonly string[];
  private removed = false;
  private readonly freezeFile: HeldControlFile;
  /** The memory limit last written. */
  private memoryBytes: number | undefined;
  /** The CPU quota last written. */
  private cpu: CpuQuota | undefined;

  constructor(private readonly dir: string) {
    this.procsFiles = [path.join(dir, 'cgroup.procs')];
    this.freezeFile = new HeldControlFile(path.join(dir, 'cgroup.freeze'));
  }

  setFrozen(frozen: boolean): boolean {
    return this.freezeFile.write(frozen ? '1' : '0');
  }

  async applyLimits(limits: CgroupLimits): Promise<void> {
    await writeValue(this.file('memory.max'), limits.memoryBytes);
    this.memoryBytes = limits.memoryBytes;
    if (await exists(this.file('memory.swap.max'))) await writeValue(this.file('memory.swap.max'), 0);
    if (await exists(this.file('memory.oom.group'))) await writeValue(this.file('memory.oom.group'), 1);
    await writeValue(this.file('pids.max'), limits.pidsMax);
    await this.setCpu(limits.cpu);
  }

  async setCpuWeight(weight: 'background' | 'normal'): Promise<void> {
    writeValueSync(this.file('cpu.weight'), weight === 'background' ? 1 : 100);
  }

  async setMemory(bytes: number): Promise<void> {
    // Raising is immediate (a specialisation waits on it); lowering may reclaim, off the event loop.
    const known = this.memoryBytes ?? (await readNumber(this.file('memory.max')));
    if (bytes < known) await writeValue(this.file('memory.max'), bytes);
    else writeValueSync(this.file('memory.max'), bytes);
    this.memoryBytes = bytes;
  }

  async setCpu(quota: CpuQuota): Promise<void> {
    // Nothing to write when the quota is the one written last; otherwise one cheap write, in place.
    if (this.cpu !== undefined && this.cpu.periodUs === quota.periodUs && this.cpu.quotaUs === quota.quotaUs) return;
    writeValueSync(this.file('cpu.max'), `${quota.quotaUs ?? 'max'} ${quota.periodUs}`);
    this.cpu = quota;
  }

  async peakMemoryBytes(): Promise<number> {
    // memory.peak exists from Linux 5.19; before that the current usage is the best there is.
    try {
      return readNumberSync(this.file('memory.peak'));
    } catch {
      return readNumber(this.file('memory.current'));
    }
  }

  async oomKills(): Promise<number> {
    return (await readKeyed(this.file('memory.events'), 'oom_kill')) ?? 0;
  }

  async pids(): Promise<number[]> {
    return readPidsSync(this.file('cgroup.procs'));
  }

  async kill(until: KillUntil = 'empty'): Promise<void> {
    if (await exists(this.file('cgroup.kill'))) await writeValue(this.file('cgroup.kill'), 1).catch(() => undefined);
    const freeze = this.file('cgroup.freeze');
    const canFreeze = await exists(freeze);
    await killUntilEmpty(
      this.file('cgroup.procs'),
      {
        ...(canFreeze
          ? {
              beforeKill: () => writeValue(freeze, 1).catch(() => undefined),
              afterKill: () => writeValue(freeze, 0).catch(() => undefined),
            }
          : {}),
      },
      until,
    );
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    await this.kill();
    this.freezeFile.close();
    await removeCgroupDir(this.dir);
    this.removed = true;
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }
}
