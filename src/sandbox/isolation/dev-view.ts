// The sandbox's /dev as one prepared directory, bound with one mount, instead of bwrap's `--dev`
// (a tmpfs, six device binds each followed by a remount, and a devpts: ~14 mount calls, each
// slower the more mounts the host has). Made once per Hearth process: the six device nodes a
// runtime uses and the /proc/self/fd links. As on Lambda there is no /dev/shm (POSIX shared memory
// and Python's multiprocessing semaphores fail the same way there) and no /dev/pts.
// A filesystem mounted nodev makes device nodes unusable, and a bind of it too: the view is only
// used when the node it made can be opened (usableDevView); otherwise bwrap's `--dev` it is.
import { lstat, mkdir, open, rename, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './run-command.js';

export type DevViewEntry =
  | { readonly kind: 'char'; readonly name: string; readonly major: number; readonly minor: number }
  | { readonly kind: 'symlink'; readonly name: string; readonly target: string };

/** What bwrap's --dev provides, but for /dev/shm, /dev/pts and /dev/ptmx. */
export const DEV_VIEW_ENTRIES: readonly DevViewEntry[] = [
  { kind: 'char', name: 'null', major: 1, minor: 3 },
  { kind: 'char', name: 'zero', major: 1, minor: 5 },
  { kind: 'char', name: 'full', major: 1, minor: 7 },
  { kind: 'char', name: 'random', major: 1, minor: 8 },
  { kind: 'char', name: 'urandom', major: 1, minor: 9 },
  { kind: 'char', name: 'tty', major: 5, minor: 0 },
  { kind: 'symlink', name: 'fd', target: '/proc/self/fd' },
  { kind: 'symlink', name: 'stdin', target: '/proc/self/fd/0' },
  { kind: 'symlink', name: 'stdout', target: '/proc/self/fd/1' },
  { kind: 'symlink', name: 'stderr', target: '/proc/self/fd/2' },
  { kind: 'symlink', name: 'core', target: '/proc/kcore' },
];

/**
 * Builds the view at `dir` (root-owned, 0755: the sandbox's user can use the nodes, not add any);
 * undefined when device nodes cannot be made or used there (not root, a nodev filesystem).
 */
export async function prepareDevView(dir: string, mknod = '/usr/bin/mknod'): Promise<string | undefined> {
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  try {
    await mkdir(work, { recursive: true, mode: 0o755 });
    for (const entry of DEV_VIEW_ENTRIES) {
      const at = path.join(work, entry.name);
      if (entry.kind === 'symlink') await symlink(entry.target, at);
      else
        await runCommand(mknod, ['-m', '666', at, 'c', String(entry.major), String(entry.minor)], {
          timeoutMs: 10_000,
        });
    }
    if (!(await usableDevView(work))) {
      await rm(work, { recursive: true, force: true });
      return undefined;
    }
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
    return dir;
  } catch {
    await rm(work, { recursive: true, force: true });
    return undefined;
  }
}

/** True when the view's null device is one and opens for writing (it does not on a nodev filesystem). */
export async function usableDevView(dir: string): Promise<boolean> {
  try {
    const nul = path.join(dir, 'null');
    if (!(await lstat(nul)).isCharacterDevice()) return false;
    const handle = await open(nul, 'r+');
    await handle.write('x');
    await handle.close();
    return true;
  } catch {
    return false;
  }
}
