// The sandbox's /etc as one directory, bound with one mount. Each mount costs a start ~0.3 ms in
// bwrap (a bind and a read-only remount; docs/isolation.md), and /etc used to take twelve: the
// host's allow-listed entries and three generated files. Instead, each Hearth process copies the
// allow-listed entries once into its own view (the host's later changes are seen at the next
// start of Hearth), and the files that differ per sandbox are symlinks into the sandbox's own
// Runtime API directory, which is bound anyway (SANDBOX_RUNTIME_API_DIR):
//   /etc/passwd → /run/hearth/runtime/passwd   (the sandbox's own uid, sandboxEtcFiles)
//   /etc/group  → /run/hearth/runtime/group
//   /etc/resolv.conf → /run/hearth/runtime/resolv.conf  (written only with outbound internet;
//                     without it the link dangles, as a missing resolv.conf would)
import { cp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SANDBOX_RUNTIME_API_DIR } from './bwrap-arguments.js';

/** The /etc files written per sandbox, into its Runtime API directory. */
export const PER_SANDBOX_ETC_FILES = ['passwd', 'group', 'resolv.conf'] as const;
export type PerSandboxEtcFile = (typeof PER_SANDBOX_ETC_FILES)[number];

/** The same in every sandbox. */
const HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost\n';

export type EtcViewEntry =
  | { readonly kind: 'copy'; readonly from: string; readonly to: string }
  | { readonly kind: 'symlink'; readonly target: string; readonly to: string }
  | { readonly kind: 'file'; readonly contents: string; readonly to: string };

/** What the view holds, relative to its root, for the host's allow-listed /etc paths that exist. */
export function etcViewEntries(etcPaths: readonly string[]): EtcViewEntry[] {
  const copies: EtcViewEntry[] = etcPaths
    .filter((file) => file.startsWith('/etc/'))
    .map((file) => ({ kind: 'copy', from: file, to: file.slice('/etc/'.length) }));
  return [
    ...copies,
    ...PER_SANDBOX_ETC_FILES.map((name): EtcViewEntry => ({
      kind: 'symlink',
      target: `${SANDBOX_RUNTIME_API_DIR}/${name}`,
      to: name,
    })),
    { kind: 'file', contents: HOSTS, to: 'hosts' },
  ];
}

/** Builds the view at `dir` (under a temporary name, then renamed), world-readable, owned by root. */
export async function prepareEtcView(dir: string, etcPaths: readonly string[]): Promise<string> {
  const work = `${dir}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true, mode: 0o755 });
  try {
    for (const entry of etcViewEntries(etcPaths)) {
      const to = path.join(work, entry.to);
      await mkdir(path.dirname(to), { recursive: true, mode: 0o755 });
      if (entry.kind === 'copy')
        await cp(entry.from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
      else if (entry.kind === 'symlink') await symlink(entry.target, to);
      else await writeFile(to, entry.contents, { mode: 0o644 });
    }
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
    return dir;
  } catch (error) {
    await rm(work, { recursive: true, force: true });
    throw error;
  }
}
