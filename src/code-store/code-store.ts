// Content-addressed code archives and their extracted trees under one directory:
//   <dir>/zips/<sha256-hex>.zip    the archive as uploaded
//   <dir>/trees/<sha256-hex>/      its extracted tree, what sandboxes mount at /var/task
//   <dir>/merged/<sha256-hex>/     an ordered list of layer trees merged, what sandboxes mount at
//                                  /opt; named by the SHA-256 of the list, so built once
//   <dir>/tmp/                     work in progress, wiped by open()
// Everything is built under tmp/, fsynced, then renamed into place, so a crash at any moment
// leaves either the complete tree or none (LAMBDA-BEHAVIOUR.md A15).
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { errors } from '../errors/lambda-error.js';
import { renameDurably } from './durable-fs.js';
import { mergeTrees, treeBytes } from './tree-merge.js';
import { extractZip } from './zip-extractor.js';

export interface StoredCode {
  /** Base64 of the SHA-256 of the zip, as Lambda reports CodeSha256. */
  readonly codeSha256: string;
  /** Size of the zip in bytes. */
  readonly codeSize: number;
  /** Bytes of the extracted files. */
  readonly unzippedSize: number;
}

export interface CodeStoreOptions {
  /** Direct-upload cap; Lambda's is 50 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
  readonly maxZipBytes?: number;
  /** Unzipped cap, counted while extracting; Lambda's is 250 MB. */
  readonly maxUnzippedBytes?: number;
  /** Hearth's own cap on the number of entries in one archive. */
  readonly maxEntries?: number;
}

export const codeStoreDefaults = {
  maxZipBytes: 52_428_800,
  maxUnzippedBytes: 262_144_000,
  maxEntries: 100_000,
} as const;

export class CodeStore {
  private readonly merging = new Map<string, Promise<string>>();
  private readonly sizes = new Map<string, number>();
  private readonly treeDirs = new Map<string, string>();

  private constructor(
    private readonly dir: string,
    private readonly limits: Required<CodeStoreOptions>,
  ) {}

  /** Creates the layout under `dir` and removes temp work left behind by a crash. */
  static async open(dir: string, options: CodeStoreOptions = {}): Promise<CodeStore> {
    const root = path.resolve(dir);
    for (const sub of ['zips', 'trees', 'merged', 'tmp']) await mkdir(path.join(root, sub), { recursive: true });
    const leftovers = await readdir(path.join(root, 'tmp'));
    for (const name of leftovers) await rm(path.join(root, 'tmp', name), { recursive: true, force: true });
    return new CodeStore(root, { ...codeStoreDefaults, ...stripUndefined(options) });
  }

  /**
   * Validates and extracts the archive, then stores both. Storing the same bytes again returns
   * at once. Throws the AWS errors for archives that are too large or cannot be unzipped safely.
   */
  async put(zip: Buffer): Promise<StoredCode> {
    if (zip.length > this.limits.maxZipBytes) throw errors.zippedTooLarge(this.limits.maxZipBytes);
    const digest = createHash('sha256').update(zip).digest();
    const codeSha256 = digest.toString('base64');
    const hex = digest.toString('hex');
    if ((await exists(this.treeDirHex(hex))) && (await exists(this.zipPathHex(hex)))) {
      return { codeSha256, codeSize: zip.length, unzippedSize: await this.unzippedSize(codeSha256) };
    }

    const work = await mkdtemp(path.join(this.dir, 'tmp', `${hex.slice(0, 12)}-`));
    try {
      const tree = path.join(work, 'tree');
      await mkdir(tree);
      const unzippedSize = await extractZip(zip, tree, this.limits);
      const zipFile = path.join(work, 'code.zip');
      await writeDurably(zipFile, zip);
      await renameDurably(zipFile, this.zipPathHex(hex));
      await this.moveTreeIntoPlace(tree, this.treeDirHex(hex));
      this.sizes.set(codeSha256, unzippedSize);
      return { codeSha256, codeSize: zip.length, unzippedSize };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Absolute path of the extracted tree of the archive with this CodeSha256. */
  treeDir(codeSha256: string): string {
    // Asked on every invoke: remembered (a path per archive, a few hundred bytes each).
    let dir = this.treeDirs.get(codeSha256);
    if (dir === undefined) {
      dir = this.treeDirHex(hexOf(codeSha256));
      this.treeDirs.set(codeSha256, dir);
    }
    return dir;
  }

  /** Bytes of the extracted files of the archive with this CodeSha256 (measured once, then remembered). */
  async unzippedSize(codeSha256: string): Promise<number> {
    const known = this.sizes.get(codeSha256);
    if (known !== undefined) return known;
    const measured = await treeBytes(this.treeDir(codeSha256));
    this.sizes.set(codeSha256, measured);
    return measured;
  }

  /**
   * The directory holding the trees of these archives (layers, in order) merged into one; built
   * on first use under tmp/ and renamed into place, so it is complete or absent.
   */
  mergedTree(codeSha256s: readonly string[]): Promise<string> {
    const hexes = codeSha256s.map(hexOf);
    const key = createHash('sha256').update(hexes.join(',')).digest('hex');
    const running = this.merging.get(key);
    if (running !== undefined) return running;
    const destination = path.join(this.dir, 'merged', key);
    const build = (async () => {
      if (await exists(destination)) return destination;
      const work = await mkdtemp(path.join(this.dir, 'tmp', `merged-${key.slice(0, 12)}-`));
      try {
        const tree = path.join(work, 'tree');
        await mkdir(tree, { mode: 0o755 });
        await mergeTrees(
          hexes.map((hex) => this.treeDirHex(hex)),
          tree,
        );
        await this.moveTreeIntoPlace(tree, destination);
        return destination;
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    })().finally(() => this.merging.delete(key));
    this.merging.set(key, build);
    return build;
  }

  /** Absolute path of the stored archive with this CodeSha256. */
  zipPath(codeSha256: string): string {
    return this.zipPathHex(hexOf(codeSha256));
  }

  private treeDirHex(hex: string): string {
    return path.join(this.dir, 'trees', hex);
  }

  private zipPathHex(hex: string): string {
    return path.join(this.dir, 'zips', `${hex}.zip`);
  }

  /** Renames the tree into place; losing the race to an identical put is success. */
  private async moveTreeIntoPlace(tree: string, destination: string): Promise<void> {
    try {
      await renameDurably(tree, destination);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await exists(destination))) return;
      throw error;
    }
  }
}

function hexOf(codeSha256: string): string {
  const digest = Buffer.from(codeSha256, 'base64');
  if (digest.length !== 32 || digest.toString('base64') !== codeSha256) {
    throw new Error(`Not a base64 SHA-256 digest: ${codeSha256}`);
  }
  return digest.toString('hex');
}

async function writeDurably(file: string, data: Buffer): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

function stripUndefined(options: CodeStoreOptions): CodeStoreOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
