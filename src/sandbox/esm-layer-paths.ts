// ES modules ignore NODE_PATH: `import 'pkg'` only looks in node_modules folders up the importing
// file's path (https://nodejs.org/api/esm.html#no-node_path). Lambda's Node 18+ runtimes still let
// ESM handlers import packages from layers and the AWS SDK the runtime includes. Hearth gives ESM
// the folders NODE_PATH adds from outside the function — the layers' (/opt/…) and the runtime's
// SDK (a read-only bind, /var/lang/lib/node_modules) — in NODE_PATH's order, at the node_modules
// folders above the task root:
//   /var/task/node_modules (the function's own, first as for require), then /var/node_modules,
//   then /node_modules.
// Only folders that exist take a link point: one folder per point while there are enough; with
// more folders than points the first ones are merged, first folder winning per package, into the
// first point (a "link farm": one symlink per package). The layers' folders are the ones merged,
// usually a few packages, never the SDK's (some 130 entries). Drivers create the links
// (docs/layers.md).

/** Where the folders are linked in the sandbox: the nearest parent of /var/task first. */
export const ESM_LINK_POINTS: readonly string[] = ['/var/node_modules', '/node_modules'];

/** Where a pre-started sandbox sees its links' directory; specialisation binds the function's over it. */
export const ESM_SLOT = '/run/hearth/esm';

/** The folders of NODE_PATH that ES modules must also see, in order: under /opt, or a read-only bind. */
export function esmFolders(env: Readonly<Record<string, string>>, bindPaths: readonly string[] = []): string[] {
  const nodePath = env['NODE_PATH'];
  if (nodePath === undefined) return [];
  return nodePath.split(':').filter((entry) => entry.startsWith('/opt/') || bindPaths.includes(entry));
}

/** A folder to link: where the host reads it, and the path the link names (as the runtime sees it). */
export interface EsmFolder {
  readonly read: string;
  readonly target: string;
}

/**
 * The ESM folders of a sandbox as the host finds them: /opt/… in the merged layers `optDir` (none
 * without layers), a bind's folder in its host directory. Links name the sandbox path, or the host
 * path for a driver that cannot mount (`paths: 'host'`).
 */
export function esmHostFolders(
  env: Readonly<Record<string, string>>,
  optDir: string | undefined,
  binds: ReadonlyArray<{ readonly host: string; readonly sandbox: string }>,
  paths: 'sandbox' | 'host',
): EsmFolder[] {
  return esmFolders(
    env,
    binds.map((bind) => bind.sandbox),
  ).flatMap((folder) => {
    const bind = binds.find((b) => b.sandbox === folder);
    const read =
      bind !== undefined ? bind.host : optDir !== undefined ? optDir + folder.slice('/opt'.length) : undefined;
    return read === undefined ? [] : [{ read, target: paths === 'host' ? read : folder }];
  });
}

/** What one link point shows: one folder (a symlink), or several merged (a link farm). */
export interface EsmLink<Folder = string> {
  readonly at: string;
  readonly folders: readonly Folder[];
}

/** The links for the folders that exist (in order): one per point, the first ones merged when there are too many. */
export function esmLinkPlan<Folder>(present: readonly Folder[]): Array<EsmLink<Folder>> {
  if (present.length === 0) return [];
  const merged = Math.max(1, present.length - ESM_LINK_POINTS.length + 1);
  const groups = [present.slice(0, merged), ...present.slice(merged).map((folder) => [folder])];
  return groups.map((folders, i) => ({ at: ESM_LINK_POINTS[i] ?? '', folders }));
}

/**
 * How a driver that mounts shows the links held in the host directory `dir` (entry i+1 for
 * links[i]): a symlink per single folder (no mount), a bind per link farm. A pre-started sandbox
 * does not know its layers yet: every point links into ESM_SLOT, where `dir` is bound.
 */
export function esmMounts(
  links: ReadonlyArray<EsmLink<EsmFolder>>,
  dir: string,
  prestarted: boolean,
): { links: Array<{ target: string; at: string }>; binds: Array<{ host: string; sandbox: string }> } {
  if (prestarted)
    return {
      links: ESM_LINK_POINTS.map((at, i) => ({ target: `${ESM_SLOT}/${i + 1}`, at })),
      binds: [{ host: dir, sandbox: ESM_SLOT }],
    };
  return {
    links: links.flatMap((link) =>
      link.folders.length === 1 ? link.folders.map((folder) => ({ target: folder.target, at: link.at })) : [],
    ),
    binds: links.flatMap((link, i) => (link.folders.length > 1 ? [{ host: `${dir}/${i + 1}`, sandbox: link.at }] : [])),
  };
}

/** The packages one node_modules folder holds: plain names, and the packages of each @scope. */
export interface FolderListing {
  readonly folder: string;
  readonly names: readonly string[];
  readonly scopes: Readonly<Record<string, readonly string[]>>;
}

/**
 * The entries of a link farm: each `name` → that package in the first folder that has it. An
 * @scope only one folder has is one entry for the whole scope; one that several have is merged
 * package by package (`@scope/name`).
 */
export function farmEntries(listings: readonly FolderListing[]): Array<{ name: string; target: string }> {
  const entries = new Map<string, string>();
  const add = (name: string, target: string): void => {
    if (!entries.has(name)) entries.set(name, target);
  };
  for (const { folder, names, scopes } of listings) {
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const shared = name.startsWith('@') && listings.filter((other) => other.scopes[name] !== undefined).length > 1;
      if (!shared) {
        add(name, `${folder}/${name}`);
        continue;
      }
      for (const member of scopes[name] ?? []) {
        if (!member.startsWith('.')) add(`${name}/${member}`, `${folder}/${name}/${member}`);
      }
    }
  }
  return [...entries].map(([name, target]) => ({ name, target }));
}
