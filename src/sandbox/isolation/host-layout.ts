// What of the host's own filesystem a sandbox sees, read-only: the system directories (/usr and
// the /lib, /bin symlinks or directories next to it), and an allow-list of /etc. Nothing else —
// not /root, /home, Hearth's data dir or other functions' code — exists inside a sandbox.
// The allow-list is copied once into the /etc view (etc-view.ts); the sandbox's own /etc/passwd and
// /etc/group are generated per sandbox (sandboxEtcFiles).
import { lstatSync, readlinkSync } from 'node:fs';
import type { SystemRoot } from './bwrap-arguments.js';

const SYSTEM_ROOTS = ['/usr', '/lib', '/lib32', '/lib64', '/libx32', '/bin', '/sbin'];

/** Certificates, the dynamic loader's cache and configuration, name service switch, MIME types:
 *  copied into the /etc view (etc-view.ts). */
const ETC_COPIED = [
  '/etc/ssl/openssl.cnf',
  '/etc/ca-certificates',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/nsswitch.conf',
  '/etc/mime.types',
];

/** Directories of symlinks (certificate hashes, alternatives): bound over the view as they are. */
const ETC_BOUND = ['/etc/ssl/certs', '/etc/pki/tls/certs', '/etc/alternatives'];

export interface HostLayout {
  readonly systemRoots: readonly SystemRoot[];
  /** Host /etc entries copied into the sandboxes' /etc view. */
  readonly etcCopied: readonly string[];
  /** Host /etc directories bound read-only over the view, at the same path. */
  readonly etcBound: readonly string[];
}

export function readHostLayout(): HostLayout {
  const systemRoots: SystemRoot[] = [];
  for (const root of SYSTEM_ROOTS) {
    const kind = entryKind(root);
    if (kind === 'symlink') systemRoots.push({ path: root, symlink: readlinkSync(root) });
    else if (kind === 'directory') systemRoots.push({ path: root });
  }
  return {
    systemRoots,
    etcCopied: ETC_COPIED.filter((file) => entryKind(file) !== undefined),
    etcBound: ETC_BOUND.filter((dir) => entryKind(dir) === 'directory'),
  };
}

/** Lambda's sandbox user is sbx_user1051; Hearth gives it each sandbox's own uid. */
export const SANDBOX_USER = 'sbx_user1051';

export function sandboxEtcFiles(uid: number, gid: number): Record<'passwd' | 'group', string> {
  return {
    passwd: `root:x:0:0:root:/root:/sbin/nologin\n${SANDBOX_USER}:x:${uid}:${gid}::/tmp:/sbin/nologin\n`,
    group: `root:x:0:\n${SANDBOX_USER}:x:${gid}:\n`,
  };
}

function entryKind(file: string): 'symlink' | 'directory' | 'file' | undefined {
  try {
    const stat = lstatSync(file);
    return stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'directory' : 'file';
  } catch {
    return undefined;
  }
}
