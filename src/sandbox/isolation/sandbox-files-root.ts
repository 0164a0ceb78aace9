// Where the isolated driver keeps each sandbox's small host-side files: its Runtime API socket, the
// passwd and group its /etc view links to, the init's hard link, and the empty /var/task and /opt
// a held or pre-started sandbox starts with. Every start makes and every teardown removes ~10
// inodes there. On an ext4 without a journal (this project's CI host) the kernel searches each new
// inode past every inode deleted in the last seconds: a loop of exactly these calls took 1.2-1.8 ms
// of CPU per start in /tmp, on the server's event loop, against 0.5 ms on a tmpfs. So the files go
// to /dev/shm when it is a tmpfs Hearth can write and run the init from, else to the OS temp dir.
// The /tmp disks' images stay on the data dir's disk: they hold what functions write.
import { accessSync, constants, readFileSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseMountInfo, type MountInfoEntry } from './mount-info.js';

const TMPFS_MAGIC = 0x01021994;

/**
 * The mount options of the mount `dir` is on (the longest mount point that contains it), from a
 * /proc/self/mountinfo text; undefined when no line covers it.
 */
export function mountOptionsOf(mountInfo: string, dir: string): readonly string[] | undefined {
  let best: MountInfoEntry | undefined;
  for (const mount of parseMountInfo(mountInfo)) {
    const { point } = mount;
    const covers = point === '/' || dir === point || dir.startsWith(`${point}/`);
    // Later lines are mounted over earlier ones at the same point.
    if (covers && (best === undefined || point.length >= best.point.length)) best = mount;
  }
  return best?.options;
}

/** True when `dir` is a tmpfs that Hearth can write and that does not forbid running programs. */
export function usableTmpfs(
  dir: string,
  mountInfo: () => string = () => readFileSync('/proc/self/mountinfo', 'utf8'),
): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    if (statfsSync(dir).type !== TMPFS_MAGIC) return false;
    const options = mountOptionsOf(mountInfo(), dir);
    return options !== undefined && !options.includes('noexec');
  } catch {
    return false;
  }
}

/** /dev/shm when usableTmpfs, else the OS temp dir. */
export function sandboxFilesRoot(shm = '/dev/shm'): string {
  return usableTmpfs(shm) ? shm : tmpdir();
}
