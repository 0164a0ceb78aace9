// The ES module links of a sandbox (esm-layer-paths.ts), decided once per set of folders and kept
// in a host directory: entry `1`, `2`, … per link point, each a symlink to its one folder or a
// link farm of several (a directory of symlinks, one per package; @scope directories merged). The
// folders (merged layers, content-addressed; the runtime's SDK) never change, so the decision
// and the directory are made once per set, the directory under a temporary name, renamed into
// place and named by the SHA-256 of what it holds.
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { esmLinkPlan, farmEntries, type EsmFolder, type EsmLink, type FolderListing } from './esm-layer-paths.js';
import { PromiseCache } from './promise-cache.js';

/** A sandbox's links, and the host directory holding them (entry i+1 for links[i]). */
export interface EsmLinks {
  readonly links: ReadonlyArray<EsmLink<EsmFolder>>;
  readonly dir: string;
}

export class EsmLinkDirs {
  private readonly made = new PromiseCache<string, EsmLinks>();

  constructor(private readonly root: string) {}

  /** The links for these folders (NODE_PATH order); folders missing on the host get none. */
  links(folders: readonly EsmFolder[]): Promise<EsmLinks> {
    return this.made.get(JSON.stringify(folders), () => this.make(folders));
  }

  private async make(folders: readonly EsmFolder[]): Promise<EsmLinks> {
    const present = (
      await Promise.all(folders.map(async (folder) => ((await isDirectory(folder.read)) ? [folder] : [])))
    ).flat();
    const links = esmLinkPlan(present);
    // Named by what it holds: a symlink's target, or a farm's folders (read and linked).
    const holds = links.map((link) => (link.folders.length === 1 ? link.folders[0]?.target : link.folders));
    const dir = path.join(this.root, createHash('sha256').update(JSON.stringify(holds)).digest('hex'));
    if (!(await isDirectory(dir))) await this.build(dir, links);
    return { links, dir };
  }

  private async build(dir: string, links: ReadonlyArray<EsmLink<EsmFolder>>): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o755 });
    const work = await mkdtemp(path.join(this.root, 'tmp-'));
    try {
      // mkdtemp makes 0700 directories; the runtime's user must read the links.
      await chmod(work, 0o755);
      for (const [i, link] of links.entries()) {
        const entry = path.join(work, String(i + 1));
        const [only] = link.folders;
        if (link.folders.length === 1 && only !== undefined) await symlink(only.target, entry);
        else await buildFarm(entry, await Promise.all(link.folders.map(listFolder)));
      }
      await rename(work, dir).catch(async (error: NodeJS.ErrnoException) => {
        if (!((error.code === 'ENOTEMPTY' || error.code === 'EEXIST') && (await isDirectory(dir)))) throw error;
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}

async function buildFarm(farm: string, listings: readonly FolderListing[]): Promise<void> {
  await mkdir(farm, { mode: 0o755 });
  const entries = farmEntries(listings);
  const scopes = new Set(entries.flatMap(({ name }) => (name.includes('/') ? [name.slice(0, name.indexOf('/'))] : [])));
  await Promise.all([...scopes].map((scope) => mkdir(path.join(farm, scope), { mode: 0o755 })));
  await Promise.all(entries.map(({ name, target }) => symlink(target, path.join(farm, name))));
}

async function listFolder(folder: EsmFolder): Promise<FolderListing> {
  const names = await readdir(folder.read);
  const scopes: Record<string, string[]> = {};
  for (const name of names.filter((n) => n.startsWith('@')))
    scopes[name] = await readdir(path.join(folder.read, name)).catch(() => []);
  return { folder: folder.target, names, scopes };
}

async function isDirectory(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isDirectory() ?? false;
}
