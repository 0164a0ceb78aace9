// The sandbox's /etc as one prepared directory instead of a bind per entry. Each mount costs a
// start ~0.3 ms in bwrap (a bind and a read-only remount; docs/isolation.md), and /etc used to
// take twelve: the host's allow-listed entries and three generated files. Now each Hearth process
// copies the allow-listed files once into its own view (the host's later changes are seen at the
// next start of Hearth), and binds over it only the directories that are mostly symlinks
// (certificates, alternatives: recreating ~400 links took ~0.5 s of a start-up on a disk where a
// symlink costs ~1.3 ms). The files that differ per sandbox are symlinks into the sandbox's own
// Runtime API directory, which is bound anyway (SANDBOX_RUNTIME_API_DIR):
//   /etc/passwd → /run/hearth/runtime/passwd   (the sandbox's own uid, sandboxEtcFiles)
//   /etc/group  → /run/hearth/runtime/group
//   /etc/resolv.conf → /run/hearth/runtime/resolv.conf  (written only with outbound internet;
//                     without it the link dangles, as a missing resolv.conf would)
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SANDBOX_RUNTIME_API_DIR } from './bwrap-arguments.js';
import { runCommand } from './run-command.js';

/** The /etc files written per sandbox, into its Runtime API directory. */
export const PER_SANDBOX_ETC_FILES = ['passwd', 'group', 'resolv.conf'] as const;

/** The same in every sandbox. */
const HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost\n';

export type EtcViewEntry =
  | { readonly kind: 'mount-point'; readonly to: string }
  | { readonly kind: 'symlink'; readonly target: string; readonly to: string }
  | { readonly kind: 'file'; readonly contents: string; readonly to: string };

/**
 * What the view holds beside the copies, relative to its root: an empty directory where each
 * bound host directory goes, the links to the sandbox's own files, and `hosts`.
 */
export function etcViewEntries(boundDirs: readonly string[]): EtcViewEntry[] {
  return [
    ...boundDirs
      .filter((dir) => dir.startsWith('/etc/'))
      .map((dir): EtcViewEntry => ({ kind: 'mount-point', to: dir.slice('/etc/'.length) })),
    ...PER_SANDBOX_ETC_FILES.map((name): EtcViewEntry => ({
      kind: 'symlink',
      target: `${SANDBOX_RUNTIME_API_DIR}/${name}`,
      to: name,
    })),
    { kind: 'file', contents: HOSTS, to: 'hosts' },
  ];
}

/**
 * Builds the view at `dir` (under a temporary name, then renamed), world-readable, owned by root:
 * `copied` (host paths under /etc) with their attributes, and etcViewEntries(boundDirs).
 */
export async function prepareEtcView(
  dir: string,
  copied: readonly string[],
  boundDirs: readonly string[],
): Promise<string> {
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true, mode: 0o755 });
  try {
    // One cp(1) for every copy: `--parents` recreates etc/… under work/, with the attributes of
    // the host's directories on the way (it wants the sources relative to its working directory).
    const sources = copied.filter((file) => file.startsWith('/etc/')).map((file) => file.slice(1));
    if (sources.length > 0) await runCommand('cp', ['-a', '--parents', '--', ...sources, work], { cwd: '/' });
    const view = path.join(work, 'etc');
    await mkdir(view, { recursive: true, mode: 0o755 });
    for (const entry of etcViewEntries(boundDirs)) {
      const to = path.join(view, entry.to);
      await mkdir(path.dirname(to), { recursive: true, mode: 0o755 });
      if (entry.kind === 'mount-point') await mkdir(to, { recursive: true, mode: 0o755 });
      else if (entry.kind === 'symlink') await symlink(entry.target, to);
      else await writeFile(to, entry.contents, { mode: 0o644 });
    }
    await rm(dir, { recursive: true, force: true });
    await rename(view, dir);
    return dir;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
