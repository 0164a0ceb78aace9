// One small interface over cgroup v1 (one hierarchy per controller) and v2 (the unified hierarchy),
// so the isolated driver never cares which one the host has. Layout, the same on both:
//   <controller root>/<parent>/<instance>/<sandbox>
// <parent> is Hearth's own ("hearth"); <instance> names one running Hearth process (owner-identity.ts),
// so that a restarted Hearth can find and remove what a dead one left behind (stale-sweep.ts).
import { readFile } from 'node:fs/promises';
import type { CpuQuota } from './resource-limits.js';

export interface CgroupLimits {
  readonly memoryBytes: number;
  readonly pidsMax: number;
  readonly cpu: CpuQuota;
}

/** One sandbox's cgroup (on v1: its directory in every controller used). */
/** How far kill() goes: every process gone, or every process sent SIGKILL. */
export type KillUntil = 'empty' | 'signalled';

export interface SandboxCgroup {
  /** Files a launcher writes its own pid into, before it runs anything else. */
  readonly procsFiles: readonly string[];
  setCpu(quota: CpuQuota): Promise<void>;
  /**
   * CPU weight against other sandboxes: `background` (the least) while a sandbox is pre-started
   * for the pool, so refills never slow the starts they exist for; `normal` otherwise.
   */
  setCpuWeight(weight: 'background' | 'normal'): Promise<void>;
  /** Changes the memory limit (no swap on top): a pre-started sandbox gets its function's MemorySize. */
  setMemory(bytes: number): Promise<void>;
  /** Peak memory charged to the sandbox since it was created, in bytes. */
  peakMemoryBytes(): Promise<number>;
  /** How many times the kernel's OOM killer killed a process of this sandbox. */
  oomKills(): Promise<number>;
  /** Pids of every process still in the cgroup. */
  pids(): Promise<number[]>;
  /**
   * Freezes or thaws every task; false when this host has no freezer. One synchronous write on a
   * held fd: cheap enough for the warm path. A frozen cgroup is thawed by kill() before SIGKILL.
   */
  setFrozen(frozen: boolean): boolean;
  /**
   * SIGKILLs every process of the cgroup and waits until it is empty; with 'signalled', returns
   * after one round (frozen while it reads and signals, where there is a freezer): none of those
   * processes runs again, though they may still be exiting.
   */
  kill(until?: KillUntil): Promise<void>;
  /** Kills what is left and removes the cgroup directories. Idempotent. */
  remove(): Promise<void>;
}

export interface CgroupHierarchy {
  readonly version: 1 | 2;
  /** Creates <parent>/<instance>/<id> with these limits. */
  create(instance: string, id: string, limits: CgroupLimits): Promise<SandboxCgroup>;
  /** Names of the instance directories under <parent> (live and stale). */
  instances(): Promise<string[]>;
  /** Kills and removes every sandbox cgroup of an instance, then the instance directory. */
  removeInstance(instance: string): Promise<void>;
  /** Removes the instance directory if no sandbox cgroup is left in it (a driver's close); never throws. */
  removeEmptyInstance(instance: string): Promise<void>;
}

export interface CgroupMounts {
  /** v1: controller name → mount point (a co-mounted "cpu,cpuacct" appears under both names). */
  readonly v1: ReadonlyMap<string, string>;
  /** v2: the unified hierarchy's mount point, if any. */
  readonly v2: string | undefined;
}

/** Parses /proc/self/mounts for cgroup (v1) and cgroup2 mounts. */
export function parseCgroupMounts(mounts: string): CgroupMounts {
  const v1 = new Map<string, string>();
  let v2: string | undefined;
  for (const line of mounts.split('\n')) {
    const [, mountPoint, type, options] = line.split(' ');
    if (mountPoint === undefined || options === undefined) continue;
    const point = mountPoint.replace(/\\040/g, ' ');
    if (type === 'cgroup2') v2 ??= point;
    if (type !== 'cgroup') continue;
    for (const option of options.split(',')) if (!v1.has(option)) v1.set(option, point);
  }
  return { v1, v2 };
}

export async function readCgroupMounts(): Promise<CgroupMounts> {
  return parseCgroupMounts(await readFile('/proc/self/mounts', 'utf8'));
}

/** Controllers the isolated driver needs on v1 (freezer is used when present, for a clean kill). */
export const V1_REQUIRED = ['memory', 'pids', 'cpu'] as const;
/** Controllers the isolated driver needs on v2. */
export const V2_REQUIRED = ['memory', 'pids', 'cpu'] as const;

/** Which hierarchy to use: v2 when it carries the controllers, else v1 when it has them all. */
export async function chooseCgroupVersion(mounts: CgroupMounts): Promise<1 | 2 | undefined> {
  if (mounts.v2 !== undefined) {
    const available = await readFile(`${mounts.v2}/cgroup.controllers`, 'utf8').catch(() => '');
    const names = available.trim().split(/\s+/);
    if (V2_REQUIRED.every((name) => names.includes(name))) return 2;
  }
  if (V1_REQUIRED.every((name) => mounts.v1.has(name))) return 1;
  return undefined;
}

/** Applies the limits to a new cgroup; one that cannot take them is removed, never left behind. */
export async function withLimits<T extends SandboxCgroup & { applyLimits(limits: CgroupLimits): Promise<void> }>(
  cgroup: T,
  limits: CgroupLimits,
): Promise<T> {
  try {
    await cgroup.applyLimits(limits);
  } catch (error) {
    await cgroup.remove();
    throw error;
  }
  return cgroup;
}
