// For the process driver, which cannot mount anything: a copy of the code tree (hard links, so
// cheap) placed where ES modules' walk up the path meets the node_modules folders the isolated
// driver links at /var/node_modules and /node_modules (esm-layer-paths.ts), nearest first:
//   <views>/<key>/node_modules   → second folder (e.g. the runtime's AWS SDK)
//   <views>/<key>/v/node_modules → first folder  (e.g. <opt>/nodejs/node_modules)
//   <views>/<key>/v/task/          the code, what the runtime sees as its task root
// The key is the SHA-256 of the (content-addressed) code directory and the folders, so each view
// is built once, under a temporary name, and renamed into place.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { mergeTrees } from '../../code-store/tree-merge.js';

export class EsmTaskViews {
  private readonly building = new Map<string, Promise<string>>();

  constructor(private readonly viewsDir: string) {}

  /** The task directory of the view for this code and these folders (host paths, nearest first). */
  taskDir(codeDir: string, folders: readonly string[]): Promise<string> {
    const key = createHash('sha256')
      .update([codeDir, ...folders].join('\0'))
      .digest('hex');
    const root = path.join(this.viewsDir, key);
    const taskDir = path.join(root, ...folders.slice(1).map(() => 'v'), 'task');
    const running = this.building.get(key);
    if (running !== undefined) return running;
    const build = (async () => {
      if (await exists(taskDir)) return taskDir;
      await mkdir(this.viewsDir, { recursive: true, mode: 0o700 });
      const work = await mkdtemp(path.join(this.viewsDir, `tmp-${key.slice(0, 12)}-`));
      try {
        let level = work;
        for (let i = folders.length - 1; i >= 0; i -= 1) {
          await symlink(folders[i] ?? '', path.join(level, 'node_modules'));
          if (i > 0) {
            level = path.join(level, 'v');
            await mkdir(level);
          }
        }
        const task = path.join(level, 'task');
        await mkdir(task, { mode: 0o755 });
        await mergeTrees([codeDir], task);
        await rename(work, root).catch(async (error: NodeJS.ErrnoException) => {
          if (!((error.code === 'ENOTEMPTY' || error.code === 'EEXIST') && (await exists(taskDir)))) throw error;
        });
        return taskDir;
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    })().finally(() => this.building.delete(key));
    this.building.set(key, build);
    return build;
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
