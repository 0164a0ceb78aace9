// The few filesystem steps that make a write durable: fsync a directory's entries, and rename
// something into place so that readers see either nothing or the complete thing.
import { open, rename } from 'node:fs/promises';
import path from 'node:path';

/** Flushes a directory's entries (names created, renamed or removed in it) to disk. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Atomically renames `from` to `to`, then makes the new name durable. */
export async function renameDurably(from: string, to: string): Promise<void> {
  await rename(from, to);
  await fsyncDirectory(path.dirname(to));
}
