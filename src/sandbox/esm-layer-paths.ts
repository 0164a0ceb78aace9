// ES modules ignore NODE_PATH: `import 'pkg'` only looks in node_modules folders up the importing
// file's path (https://nodejs.org/api/esm.html#no-node_path). Lambda's Node runtimes still let
// ESM handlers import packages from layers; Hearth gives ESM the same layer folders NODE_PATH
// lists, in the same order, as node_modules folders above the task root:
//   /var/task/node_modules (the function's own), then /var/node_modules → the first layer folder,
//   then /node_modules → the second. Drivers create those links (docs/layers.md).

/** The /opt folders of NODE_PATH, in order (at most two: one per parent of /var/task). */
export function esmLayerFolders(env: Readonly<Record<string, string>>): string[] {
  const nodePath = env['NODE_PATH'];
  if (nodePath === undefined) return [];
  return nodePath
    .split(':')
    .filter((entry) => entry.startsWith('/opt/'))
    .slice(0, 2);
}

/** Where each folder is linked in the sandbox: the nearest parent of /var/task first. */
export const ESM_LINK_POINTS: readonly string[] = ['/var/node_modules', '/node_modules'];
