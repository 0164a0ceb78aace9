// Test support: temporary folders that are removed when the test file ends. Import it at the top of
// a test file: the clean-up is registered on the file's root when this module loads.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

const folders: string[] = [];
after(() => Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));

/** A new folder under the OS temp dir, removed after the test file's last test. */
export async function tempFolder(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}
