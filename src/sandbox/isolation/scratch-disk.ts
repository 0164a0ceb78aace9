// A sandbox's private /tmp: a sparse ext4 image of EphemeralStorage, loop-mounted nosuid,nodev.
// Unlike a tmpfs, its pages are not charged to the sandbox's memory cgroup as unreclaimable shmem:
// a 512 MB function can fill a 512 MB /tmp and gets ENOSPC, not an OOM kill (as on Lambda, where
// /tmp is separate from memory). Writes still pass through the page cache, which is reclaimable.
// Sparse: the image takes disk space only for what the function writes.
// With Hearth's init (DiskTemplates below) a disk is a copy of an image formatted once per size,
// attached and mounted by the init's built-in tools: ~2 ms of CPU per disk, unmount included,
// where mkfs.ext4, mount(8) and umount(8) took ~14 ms and an fsync (docs/isolation.md).
import { mkdir, open, readFile, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { PromiseCache } from '../promise-cache.js';
import { mountPointsAtOrUnder, parseMountInfo } from './mount-info.js';
import { MB } from './resource-limits.js';
import { hasBuiltinTools, runCommand } from './run-command.js';

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

/**
 * Formatted ext4 images, one per image size, made on first use in `dir` and copied for each disk
 * by the init's `:disk` tool. A fresh image holds ~200 KB of data in ~530 MB of holes, so the copy
 * is cheap, and a copy needs no fsync: the disk dies with its sandbox.
 */
export class DiskTemplates {
  private readonly made = new PromiseCache<number, string>();

  constructor(private readonly dir: string) {}

  /** Makes the template for `bytes` again at its next use (a disk from it failed: it may be gone). */
  forget(bytes: number): void {
    this.made.forget(bytes);
  }

  /** The template's path for images of `bytes`; a failure is not kept (the next disk tries again). */
  image(bytes: number): Promise<string> {
    return this.made.get(bytes, () => this.make(bytes));
  }

  private async make(bytes: number): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const template = path.join(this.dir, `ext4-${bytes}.img`);
    const partial = `${template}.partial`;
    await sparseFile(partial, bytes);
    await format(partial, 0, 0);
    await rename(partial, template);
    return template;
  }
}

export async function createScratchDisk(
  dir: string,
  capacityBytes: number,
  uid: number,
  gid: number,
  templates?: DiskTemplates,
): Promise<ScratchDisk> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const image = path.join(dir, 'tmp.img');
  const mountPoint = path.join(dir, 'tmp');
  const bytes = imageBytes(capacityBytes);
  if (templates !== undefined && hasBuiltinTools()) {
    const template = await templates.image(bytes);
    await mkdir(mountPoint, { mode: 0o700 });
    await runCommand(':disk', [template, image, mountPoint, String(uid), String(gid)]).catch((error: unknown) => {
      templates.forget(bytes);
      throw error;
    });
  } else {
    await sparseFile(image, bytes);
    await mkdir(mountPoint, { mode: 0o700 });
    await format(image, uid, gid);
    await runCommand('mount', ['-o', 'loop,nosuid,nodev,noatime', image, mountPoint]);
    await rmdir(path.join(mountPoint, 'lost+found')).catch(() => undefined);
  }
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
  const points = (await mountPointsAtOrUnder(dir)).sort((a, b) => b.length - a.length);
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
  for (const { point, fsType, source } of parseMountInfo(mountInfo)) {
    if (fsType !== 'ext4' || !/^\/dev\/loop\d+$/.test(source ?? '')) continue;
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

async function sparseFile(file: string, bytes: number): Promise<void> {
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.truncate(bytes);
  } finally {
    await handle.close();
  }
}

/** No journal (the disk dies with the sandbox), lazy inode tables, no discard: the fast options. */
async function format(image: string, uid: number, gid: number): Promise<void> {
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
}

async function unmount(mountPoint: string): Promise<void> {
  // Loop mounts made by mount(8) and by `:disk` have autoclear set: unmounting also frees the loop
  // device. Lazily when something still holds it: it goes once the last user is gone.
  if (hasBuiltinTools()) {
    await runCommand(':umount', [mountPoint]).catch(() => undefined);
    return;
  }
  await runCommand('umount', [mountPoint]).catch(() => runCommand('umount', ['-l', mountPoint]).catch(() => undefined));
}
