// A sandbox's private /tmp: a sparse ext4 image of EphemeralStorage, loop-mounted nosuid,nodev.
// Unlike a tmpfs, its pages are not charged to the sandbox's memory cgroup as unreclaimable shmem:
// a 512 MB function can fill a 512 MB /tmp and gets ENOSPC, not an OOM kill (as on Lambda, where
// /tmp is separate from memory). Writes still pass through the page cache, which is reclaimable.
// Sparse: the image takes disk space only for what the function writes. Cost: ~10 ms per sandbox
// (mkfs + mount), measured in docs/isolation.md.
import { mkdir, open, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { MB } from './resource-limits.js';
import { runCommand } from './run-command.js';

export interface ScratchDisk {
  /** Host mount point, bound at /tmp in the sandbox. */
  readonly mountPoint: string;
  /** Unmounts and deletes the image. Idempotent. */
  remove(): Promise<void>;
}

/** ext4's own overhead (inode tables, group descriptors) is added so the function gets its full size. */
export function imageBytes(capacityBytes: number): number {
  return Math.ceil((capacityBytes * 1.03) / MB) * MB + 4 * MB;
}

export async function createScratchDisk(
  dir: string,
  capacityBytes: number,
  uid: number,
  gid: number,
): Promise<ScratchDisk> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const image = path.join(dir, 'tmp.img');
  const mountPoint = path.join(dir, 'tmp');
  const file = await open(image, 'w', 0o600);
  try {
    await file.truncate(imageBytes(capacityBytes));
  } finally {
    await file.close();
  }
  await mkdir(mountPoint, { mode: 0o700 });
  // No journal (the disk dies with the sandbox), lazy inode tables, no discard: the fast options.
  await runCommand('mkfs.ext4', [
    '-q',
    '-F',
    '-O',
    '^has_journal,^resize_inode',
    '-E',
    `lazy_itable_init=1,nodiscard,root_owner=${uid}:${gid}`,
    '-m',
    '0',
    '-i',
    '16384',
    image,
  ]);
  await runCommand('mount', ['-o', 'loop,nosuid,nodev,noatime', image, mountPoint]);
  await rmdir(path.join(mountPoint, 'lost+found')).catch(() => undefined);
  let removed = false;
  return {
    mountPoint,
    async remove() {
      if (removed) return;
      removed = true;
      await unmount(mountPoint);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Unmounts every mount at or below `dir` (deepest first); used by the stale sweep. */
export async function unmountAllUnder(dir: string): Promise<void> {
  const mountInfo = await readFile('/proc/self/mountinfo', 'utf8');
  const points = mountInfo
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await unmount(point);
}

/**
 * Mount points of Hearth's own /tmp disks (`…/<instance>/<n>/tmp` or `…/<instance>/disks/disk-<n>/tmp`,
 * ext4 on a loop device) in a mountinfo text whose owning instance `alive` says is gone, wherever
 * their data dir was: a Hearth killed and started again with another data dir (or a test process
 * killed by its runner) leaves them, and every mount on the host makes each sandbox start slower
 * (bwrap copies the host's mount table: ~0.1 ms per mount measured on a 2-core host).
 */
export function orphanDiskMounts(mountInfo: string, alive: (instance: string) => boolean): string[] {
  const points: string[] = [];
  for (const line of mountInfo.split('\n')) {
    const fields = line.split(' ');
    const point = fields[4]?.replace(/\\040/g, ' ');
    const separator = fields.indexOf('-');
    const [fsType, source] = separator > 0 ? [fields[separator + 1], fields[separator + 2]] : [];
    if (point === undefined || fsType !== 'ext4' || !/^\/dev\/loop\d+$/.test(source ?? '')) continue;
    const instance = /\/(\d+-\d+)\/(?:\d+|disks\/disk-\d+)\/tmp$/.exec(point)?.[1];
    if (instance !== undefined && !alive(instance)) points.push(point);
  }
  return points;
}

/** Unmounts orphanDiskMounts() of this host; returns how many. */
export async function unmountOrphanDisks(alive: (instance: string) => boolean): Promise<number> {
  const points = orphanDiskMounts(await readFile('/proc/self/mountinfo', 'utf8'), alive);
  for (const point of points) await unmount(point);
  return points.length;
}

async function unmount(mountPoint: string): Promise<void> {
  // A loop mount made by mount(8) has autoclear set: unmounting also frees the loop device.
  // -l (lazy) when something still holds it: it goes once the last user is gone.
  await runCommand('umount', [mountPoint]).catch(() => runCommand('umount', ['-l', mountPoint]).catch(() => undefined));
}
