// Lays extracted trees over one another into a directory, as Lambda merges a function's layers
// into /opt: in order, a later tree's file replaces an earlier one's, directories merge
// (https://docs.aws.amazon.com/lambda/latest/dg/adding-layers.html: "the order … in which Lambda
// merges the layer content"). Files are hard links to the (immutable, content-addressed) trees,
// copied only across filesystems. Nothing is ever written through a symlink: an entry of the
// destination that is in the way (a file or link where a directory must go, or the reverse) is
// removed first, and existence is checked with lstat.
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, readdir, readlink, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDirectory } from './durable-fs.js';

/** Merges `sources` (in order) into `destination`, which must exist. */
export async function mergeTrees(sources: readonly string[], destination: string): Promise<void> {
  for (const source of sources) await mergeInto(source, destination);
}

async function mergeInto(source: string, destination: string): Promise<void> {
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(destination, entry.name);
    const existing = await lstat(to).catch(() => undefined);
    if (entry.isDirectory()) {
      if (existing !== undefined && !existing.isDirectory()) await rm(to, { recursive: true, force: true });
      if (existing === undefined || !existing.isDirectory()) await mkdir(to, { mode: 0o755 });
      await mergeInto(from, to);
      continue;
    }
    if (existing !== undefined) await rm(to, { recursive: true, force: true });
    if (entry.isSymbolicLink()) await symlink(await readlink(from), to);
    else if (entry.isFile()) await linkOrCopy(from, to);
  }
  await fsyncDirectory(destination);
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw error;
  }
  await copyFile(from, to, constants.COPYFILE_EXCL);
  const handle = await open(to, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Bytes of the regular files under `dir` (symlinks are not followed). */
export async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await treeBytes(at);
    else if (entry.isFile()) total += (await lstat(at)).size;
  }
  return total;
}
