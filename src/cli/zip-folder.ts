// Zips a function's folder for upload. The same folder always gives the same bytes (and so the
// same CodeSha256): names sorted by their bytes, folders walked depth first, one fixed timestamp, no extended
// timestamp field, and modes reduced to 0644 / 0755 so the umask does not leak in. The
// executable bit is kept, so a `provided` runtime's `bootstrap` stays runnable. `.git` folders
// are left out; symbolic links are followed (a link back into its own ancestors is skipped).
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import { CliError } from './cli-error.js';

/** 1980-01-01 00:00, the earliest time a zip (DOS) timestamp can hold. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const SKIPPED_DIRECTORIES = new Set(['.git']);

interface ZipEntry {
  readonly zipPath: string;
  readonly realPath: string;
  readonly kind: 'file' | 'empty-directory';
  readonly executable: boolean;
}

export async function zipFolder(folder: string): Promise<Buffer> {
  const root = path.resolve(folder);
  const info = await stat(root).catch(() => undefined);
  if (info === undefined) throw new CliError(`No such folder: ${folder}`);
  if (!info.isDirectory())
    throw new CliError(`${folder} is not a folder; give the folder that holds your function code.`);
  const entries = await listEntries(root, '', new Set([await realpath(root)]));
  if (!entries.some((entry) => entry.kind === 'file')) {
    throw new CliError(`${folder} holds no files; nothing to deploy.`);
  }
  return writeZip(entries);
}

/** Zip mode of a regular file: only the executable bit survives from the folder. */
export function fileMode(executable: boolean): number {
  return executable ? 0o100755 : 0o100644;
}

async function listEntries(dir: string, prefix: string, ancestors: ReadonlySet<string>): Promise<ZipEntry[]> {
  const names = (await readdir(dir)).sort(compareBytes);
  const entries: ZipEntry[] = [];
  for (const name of names) {
    const realPath = path.join(dir, name);
    const zipPath = prefix + name;
    const info = await stat(realPath).catch(() => undefined); // follows links; a broken link is skipped
    if (info === undefined) continue;
    if (info.isDirectory()) {
      if (SKIPPED_DIRECTORIES.has(name)) continue;
      const real = await realpath(realPath);
      if (ancestors.has(real)) continue;
      const children = await listEntries(realPath, `${zipPath}/`, new Set([...ancestors, real]));
      if (children.length === 0) children.push({ zipPath, realPath, kind: 'empty-directory', executable: true });
      entries.push(...children);
    } else if (info.isFile()) {
      entries.push({ zipPath, realPath, kind: 'file', executable: (info.mode & 0o111) !== 0 });
    }
  }
  return entries;
}

function writeZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    if (entry.kind === 'empty-directory') {
      zip.addEmptyDirectory(entry.zipPath, { mtime: FIXED_MTIME, mode: 0o40755, forceDosTimestamp: true });
    } else {
      zip.addFile(entry.realPath, entry.zipPath, {
        mtime: FIXED_MTIME,
        mode: fileMode(entry.executable),
        forceDosTimestamp: true,
        compress: true,
      });
    }
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const fail = (error: NodeJS.ErrnoException): void =>
      reject(new CliError(`Cannot read ${error.path ?? 'a file'} to zip it: ${error.code ?? error.message}`));
    zip.on('error', fail);
    zip.outputStream.on('error', fail);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
