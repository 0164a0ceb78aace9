// On start, what a previous Hearth left on the host after dying without cleaning up (kill -9, power
// loss): its sandboxes' cgroups — still running processes, killed here — and their /tmp mounts,
// under this data dir and (the /tmp disks only) under any other.
// Only instances whose owner process is gone are touched, so two Hearths on one host (tests in
// parallel) never sweep each other.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CgroupHierarchy } from './cgroup-hierarchy.js';
import { instanceAlive } from './owner-identity.js';
import { unmountAllUnder, unmountOrphanDisks } from './scratch-disk.js';

export interface SweepResult {
  /** Instances (dead Hearth processes) whose leftovers were removed. */
  readonly instances: readonly string[];
  /** Errors met on the way; the sweep goes on past them. */
  readonly errors: readonly string[];
}

/** `socketRoots`: where drivers make their `hearth-<instance>` directories of per-sandbox files. */
export async function sweepStale(
  cgroups: CgroupHierarchy,
  stateDir: string,
  socketRoots: readonly string[] = [],
): Promise<SweepResult> {
  const instances = new Set<string>();
  const errors: string[] = [];
  for (const instance of await cgroups.instances()) {
    if (instanceAlive(instance)) continue;
    instances.add(instance);
    await cgroups
      .removeInstance(instance)
      .catch((error: unknown) => errors.push(`cgroup ${instance}: ${String(error)}`));
  }
  const dirs = await readdir(stateDir).catch(() => []);
  for (const instance of dirs) {
    if (instanceAlive(instance)) continue;
    instances.add(instance);
    const dir = path.join(stateDir, instance);
    try {
      await unmountAllUnder(dir);
      await rm(dir, { recursive: true, force: true });
    } catch (error) {
      errors.push(`state ${dir}: ${String(error)}`);
    }
  }
  // /tmp disks of dead instances under other data dirs: only unmounted (their files are not ours to remove).
  await unmountOrphanDisks(instanceAlive).catch((error: unknown) => errors.push(`orphan /tmp disks: ${String(error)}`));
  for (const socketRoot of socketRoots) {
    for (const entry of await readdir(socketRoot).catch(() => [])) {
      const instance = /^hearth-(\d+-\d+)$/.exec(entry)?.[1];
      if (instance === undefined || instanceAlive(instance)) continue;
      await rm(path.join(socketRoot, entry), { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return { instances: [...instances], errors };
}
