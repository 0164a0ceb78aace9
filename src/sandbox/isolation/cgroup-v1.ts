// cgroup v1: one directory per sandbox in each of the memory, pids and cpu hierarchies (and
// freezer when mounted, so that a kill cannot race a fork). v1 has no cgroup.kill: destroy freezes
// the sandbox, SIGKILLs every pid in cgroup.procs, thaws it and waits until it is empty, killing
// again (frozen) only pids it has not killed yet (cgroup-files.ts, nextKillStep).
//
// The freezer pin: the kernel (6.x) switches a static key on while any v1 freezer cgroup is frozen
// or freezing and off when none is, and each switch patches kernel code on every CPU: a freezer
// write costs ~75 µs then, against ~4 µs while some cgroup stays frozen (measured on this 2-core
// host), and Hearth writes one at every idle freeze, thaw and kill. So each instance keeps one
// empty cgroup frozen in the freezer hierarchy (FREEZER_PIN), made with its first sandbox and
// removed with the instance (a dead instance's by the stale sweep, like its sandboxes' cgroups).
// Nothing runs in it; the cost is the key's check in the kernel's freezing paths.
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import {
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

const CONTROLLERS = ['memory', 'pids', 'cpu', 'freezer'] as const;
type Controller = (typeof CONTROLLERS)[number];

/** The instance's always-frozen, always-empty freezer cgroup (see above). */
export const FREEZER_PIN = 'freezer-pin';

export class CgroupV1 implements CgroupHierarchy {
  readonly version = 1;
  /** controller → <mount>/<parent>; freezer only when the host mounts it. */
  private readonly parents: ReadonlyMap<Controller, string>;
  /** Instances whose freezer pin was made (or tried). */
  private readonly pinned = new Set<string>();

  constructor(mounts: ReadonlyMap<string, string>, parent: string) {
    const parents = new Map<Controller, string>();
    for (const controller of CONTROLLERS) {
      const mount = mounts.get(controller);
      if (mount !== undefined) parents.set(controller, path.join(mount, parent));
    }
    this.parents = parents;
  }

  async create(instance: string, id: string, limits: CgroupLimits): Promise<SandboxCgroup> {
    this.pinFreezer(instance);
    const dirs = new Map<Controller, string>();
    for (const [controller, parent] of this.parents) dirs.set(controller, path.join(parent, instance, id));
    // One hierarchy per controller: their mkdirs do not depend on each other.
    const made = await Promise.allSettled([...dirs.values()].map((dir) => mkdir(dir, { recursive: true })));
    const cgroup = new SandboxCgroupV1(dirs);
    const failed = made.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) {
      await cgroup.remove().catch(() => undefined);
      throw failed.reason;
    }
    return withLimits(cgroup, limits);
  }

  async instances(): Promise<string[]> {
    const names = new Set<string>();
    for (const parent of this.parents.values()) for (const name of await childCgroups(parent)) names.add(name);
    return [...names];
  }

  async removeInstance(instance: string): Promise<void> {
    const ids = new Set<string>();
    for (const parent of this.parents.values()) {
      for (const id of await childCgroups(path.join(parent, instance))) ids.add(id);
    }
    for (const id of ids) {
      const dirs = new Map<Controller, string>();
      for (const [controller, parent] of this.parents) dirs.set(controller, path.join(parent, instance, id));
      await new SandboxCgroupV1(dirs).remove();
    }
    for (const parent of this.parents.values()) await removeCgroupDir(path.join(parent, instance));
  }

  async removeEmptyInstance(instance: string): Promise<void> {
    const freezer = this.parents.get('freezer');
    if (freezer !== undefined && this.pinned.delete(instance))
      await rmdir(path.join(freezer, instance, FREEZER_PIN)).catch(() => undefined);
    // rmdir refuses a cgroup with children: another driver of this process may still have sandboxes.
    await Promise.all(
      [...this.parents.values()].map((parent) => rmdir(path.join(parent, instance)).catch(() => undefined)),
    );
  }

  /**
   * Makes the instance's freezer pin, once (synchronously: two metadata writes of microseconds).
   * A failure only costs speed: it is not retried.
   */
  private pinFreezer(instance: string): void {
    const freezer = this.parents.get('freezer');
    if (freezer === undefined || this.pinned.has(instance)) return;
    this.pinned.add(instance);
    try {
      const pin = path.join(freezer, instance, FREEZER_PIN);
      mkdirSync(pin, { recursive: true });
      writeFileSync(path.join(pin, 'freezer.state'), 'FROZEN');
    } catch {
      // Without the pin every freezer write switches the kernel's static key: slower, still right.
    }
  }
}

class SandboxCgroupV1 implements SandboxCgroup {
  readonly procsFiles: readonly string[];
  private removed = false;
  private readonly freezerState: HeldControlFile | undefined;
  /** The memory limit last written, and whether memory+swap has its own (swap accounting on). */
  private memory: { bytes: number; swapLimited: boolean } | undefined;
  /** The CPU quota last written. */
  private cpu: CpuQuota | undefined;

  constructor(private readonly dirs: ReadonlyMap<Controller, string>) {
    this.procsFiles = [...dirs.values()].map((dir) => path.join(dir, 'cgroup.procs'));
    const freezer = dirs.get('freezer');
    this.freezerState = freezer === undefined ? undefined : new HeldControlFile(path.join(freezer, 'freezer.state'));
  }

  setFrozen(frozen: boolean): boolean {
    return this.freezerState?.write(frozen ? 'FROZEN' : 'THAWED') ?? false;
  }

  async applyLimits(limits: CgroupLimits): Promise<void> {
    const memory = this.dir('memory');
    await writeValue(path.join(memory, 'memory.limit_in_bytes'), limits.memoryBytes);
    // memory+swap = memory: no swap on top of MemorySize (the file exists only with swap accounting).
    const memsw = path.join(memory, 'memory.memsw.limit_in_bytes');
    const swapLimited = await exists(memsw);
    if (swapLimited) await writeValue(memsw, limits.memoryBytes);
    this.memory = { bytes: limits.memoryBytes, swapLimited };
    await writeValue(path.join(memory, 'memory.swappiness'), 0).catch(() => undefined);
    await writeValue(path.join(this.dir('pids'), 'pids.max'), limits.pidsMax);
    await this.setCpu(limits.cpu);
  }

  async setCpuWeight(weight: 'background' | 'normal'): Promise<void> {
    writeValueSync(path.join(this.dir('cpu'), 'cpu.shares'), weight === 'background' ? 2 : 1024);
  }

  async setMemory(bytes: number): Promise<void> {
    const memory = this.dir('memory');
    const limit = path.join(memory, 'memory.limit_in_bytes');
    const memsw = path.join(memory, 'memory.memsw.limit_in_bytes');
    const known = this.memory ?? { bytes: await readNumber(limit), swapLimited: await exists(memsw) };
    const lowering = bytes < known.bytes;
    // memory+swap may never be below memory: lower memory first, raise memory+swap first.
    const files = !known.swapLimited ? [limit] : lowering ? [limit, memsw] : [memsw, limit];
    // Raising is immediate (a specialisation waits on it); lowering may reclaim, off the event loop.
    for (const file of files) {
      if (lowering) await writeValue(file, bytes);
      else writeValueSync(file, bytes);
    }
    this.memory = { bytes, swapLimited: known.swapLimited };
  }

  async setCpu(quota: CpuQuota): Promise<void> {
    // Nothing to write when the quota is the one written last (a ready cgroup is unthrottled, as a
    // start's init is); otherwise two writes of tens of microseconds, done in place.
    if (this.cpu !== undefined && this.cpu.periodUs === quota.periodUs && this.cpu.quotaUs === quota.quotaUs) return;
    const cpu = this.dir('cpu');
    writeValueSync(path.join(cpu, 'cpu.cfs_period_us'), quota.periodUs);
    writeValueSync(path.join(cpu, 'cpu.cfs_quota_us'), quota.quotaUs ?? -1);
    this.cpu = quota;
  }

  async peakMemoryBytes(): Promise<number> {
    return readNumberSync(path.join(this.dir('memory'), 'memory.max_usage_in_bytes'));
  }

  async oomKills(): Promise<number> {
    return (await readKeyed(path.join(this.dir('memory'), 'memory.oom_control'), 'oom_kill')) ?? 0;
  }

  async pids(): Promise<number[]> {
    return readPidsSync(path.join(this.dir('pids'), 'cgroup.procs'));
  }

  async kill(until: KillUntil = 'empty'): Promise<void> {
    const state = this.freezerState;
    // The pids hierarchy holds every task of the sandbox, whatever it did since it started.
    // Freezing and thawing through the held freezer.state fd, in place: a v1 freeze only marks the
    // tasks and returns (the loop repeats until the cgroup stays empty), and each thread-pool
    // write was an open, a write and a close.
    await killUntilEmpty(
      path.join(this.dir('pids'), 'cgroup.procs'),
      {
        ...(state !== undefined
          ? {
              beforeKill: () => void state.write('FROZEN'),
              // SIGKILL is delivered once the tasks thaw.
              afterKill: () => void state.write('THAWED'),
            }
          : {}),
      },
      until,
    );
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    await this.kill();
    this.freezerState?.close();
    await Promise.all([...this.dirs.values()].map((dir) => removeCgroupDir(dir)));
    this.removed = true;
  }

  private dir(controller: Controller): string {
    const dir = this.dirs.get(controller);
    if (dir === undefined) throw new Error(`cgroup v1 controller ${controller} is not mounted`);
    return dir;
  }
}
