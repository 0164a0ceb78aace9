// Extracts an uploaded code archive into an empty directory under the rules of
// zip-entry-policy.ts. Two passes: first every entry's metadata is read and checked (names,
// kinds, layout, overlap, declared sizes), then data is streamed out, every byte counted against a budget.
// Files are created with O_EXCL|O_NOFOLLOW and symlinks only at the very end, so nothing ever
// writes through a link. The caller owns the directory and deletes it when this throws.
import { constants } from 'node:fs';
import { chmod, mkdir, open, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { errors, LambdaError } from '../errors/lambda-error.js';
import { ByteBudget } from './byte-budget.js';
import { fsyncDirectory } from './durable-fs.js';
import {
  entryPath,
  entryShape,
  layoutConflict,
  overlappingEntries,
  symlinkDestination,
  symlinkTarget,
  type EntryShape,
} from './zip-entry-policy.js';

export interface ExtractionLimits {
  readonly maxUnzippedBytes: number;
  readonly maxEntries: number;
}

interface PlannedEntry extends EntryShape {
  readonly entry: yauzl.Entry;
  readonly path: string;
}

/** Thrown for an archive that breaks a rule; turned into the AWS "Could not unzip" error. */
class RefusedArchive extends Error {}

/** Extracts `zip` into `destination`; resolves to the number of bytes written. */
export async function extractZip(zip: Buffer, destination: string, limits: ExtractionLimits): Promise<number> {
  let archive: yauzl.ZipFile | undefined;
  try {
    archive = await yauzl.fromBufferPromise(zip, {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      decodeStrings: true,
      strictFileNames: false,
    });
    if (archive.entryCount > limits.maxEntries) throw errors.tooManyZipEntries(limits.maxEntries);
    const plan = await planEntries(archive, limits);
    const budget = new ByteBudget(limits.maxUnzippedBytes);
    await writeEntries(archive, plan, destination, budget);
    return budget.used;
  } catch (error) {
    throw isArchiveFault(error) ? errors.invalidZip() : error;
  } finally {
    archive?.close();
  }
}

async function planEntries(archive: yauzl.ZipFile, limits: ExtractionLimits): Promise<PlannedEntry[]> {
  const plan: PlannedEntry[] = [];
  let declaredBytes = 0;
  for await (const entry of archive.eachEntry()) {
    if (plan.length >= limits.maxEntries) throw errors.tooManyZipEntries(limits.maxEntries);
    const name = entryPath(entry.fileName);
    if (!name.ok) throw new RefusedArchive(name.reason);
    const shape = entryShape(entry.fileName, entry.externalFileAttributes);
    if (!shape.ok) throw new RefusedArchive(shape.reason);
    if (name.value === '') continue;
    declaredBytes += entry.uncompressedSize;
    if (declaredBytes > limits.maxUnzippedBytes) throw errors.unzippedTooLarge(limits.maxUnzippedBytes);
    plan.push({ entry, path: name.value, ...shape.value });
  }
  const conflict = layoutConflict(plan);
  if (conflict) throw new RefusedArchive(conflict);
  const overlap = overlappingEntries(
    plan.map(({ entry }) => ({
      name: entry.fileName,
      localHeaderOffset: entry.relativeOffsetOfLocalHeader,
      compressedSize: entry.compressedSize,
    })),
  );
  if (overlap) throw new RefusedArchive(`entries share data: ${overlap.join(', ')}`);
  return plan;
}

async function writeEntries(
  archive: yauzl.ZipFile,
  plan: readonly PlannedEntry[],
  root: string,
  budget: ByteBudget,
): Promise<void> {
  const directories = new Set<string>([root]);
  const ensureDirectory = async (dir: string) => {
    if (directories.has(dir)) return;
    await mkdir(dir, { recursive: true });
    for (let d = dir; d.startsWith(root) && d !== root; d = path.dirname(d)) directories.add(d);
  };
  const links = new Map<string, string>();
  for (const planned of plan) {
    const target = path.join(root, planned.path);
    if (planned.kind === 'directory') {
      await ensureDirectory(target);
    } else if (planned.kind === 'file') {
      await ensureDirectory(path.dirname(target));
      await writeFile(() => archive.openReadStreamPromise(planned.entry), target, planned.mode, budget);
    } else {
      const text = await readSmall(await archive.openReadStreamPromise(planned.entry), budget);
      const linkTarget = symlinkTarget(text);
      if (!linkTarget.ok) throw new RefusedArchive(linkTarget.reason);
      links.set(planned.path, linkTarget.value);
    }
  }
  for (const [linkPath, linkTarget] of links) {
    const destination = symlinkDestination(linkPath, links);
    if (destination !== 'inside') throw new RefusedArchive(`symlink ${linkPath} leads ${destination}`);
    const at = path.join(root, linkPath);
    await ensureDirectory(path.dirname(at));
    await symlink(linkTarget, at);
  }
  for (const dir of directories) {
    await chmod(dir, 0o755);
    await fsyncDirectory(dir);
  }
}

/**
 * The entry's stream is opened only once the file is, and consumed at once: a stream left
 * unread would inflate into its buffer and could fail with nobody listening.
 */
async function writeFile(
  openData: () => Promise<Readable>,
  target: string,
  mode: number,
  budget: ByteBudget,
): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  const handle = await open(target, flags, 0o600);
  try {
    for await (const chunk of await openData()) {
      const buffer = chunk as Buffer;
      budget.spend(buffer.length); // throws before the bytes past the cap reach the disk
      await handle.write(buffer);
    }
    await handle.chmod(mode); // after creating: the process umask must not decide the mode
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readSmall(data: Readable, budget: ByteBudget): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of data) {
    const buffer = chunk as Buffer;
    budget.spend(buffer.length);
    length += buffer.length;
    if (length > 4096) throw new RefusedArchive('symlink target is too long');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * True when the error is the archive's fault (unreadable, lying or breaking a rule), false for
 * our own failures (disk full, permissions), which must surface as service errors instead.
 */
function isArchiveFault(error: unknown): boolean {
  if (error instanceof LambdaError) return false;
  if (error instanceof RefusedArchive) return true;
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  if (typeof syscall !== 'string') return true; // yauzl and zlib report corrupt data without one
  const code = (error as { code?: unknown }).code;
  return code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ELOOP';
}
