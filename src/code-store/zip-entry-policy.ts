// Pure decisions about the entries of an uploaded code archive: which names, kinds and symlinks
// are allowed, and what mode an extracted file gets. The extractor applies these and writes.
// Zip-slip, link and bomb rules follow LAMBDA-BEHAVIOUR.md rows D15–D17 (CWE-22, CWE-59).
import path from 'node:path';

export type EntryKind = 'file' | 'directory' | 'symlink';

export type Verdict<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): Verdict<T> => ({ ok: true, value });
const refuse = <T>(reason: string): Verdict<T> => ({ ok: false, reason });

/**
 * The entry's path relative to the tree, normalised with `/` separators, or a refusal.
 * `.` (the root itself) comes back as the empty string, which the extractor skips.
 */
export function entryPath(rawName: string): Verdict<string> {
  if (rawName.includes('\0')) return refuse('NUL in entry name');
  const name = rawName.replace(/\\/g, '/');
  if (name.startsWith('/')) return refuse(`absolute entry name: ${rawName}`);
  if (/^[A-Za-z]:/.test(name)) return refuse(`drive letter in entry name: ${rawName}`);
  const normalised = path.posix.normalize(name);
  if (normalised === '..' || normalised.startsWith('../')) return refuse(`entry escapes the tree: ${rawName}`);
  const relative = normalised.replace(/\/+$/, '');
  return ok(relative === '.' ? '' : relative);
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

export interface EntryShape {
  readonly kind: EntryKind;
  /** Permission bits to apply; setuid, setgid and sticky never survive. */
  readonly mode: number;
}

/**
 * What an entry is, from its name and the unix mode in the high 16 bits of its external file
 * attributes (0 when the archiver recorded none, e.g. on Windows). Device files, FIFOs and
 * sockets are refused. Files keep only "executable or not": 0755 or 0644.
 */
export function entryShape(rawName: string, externalFileAttributes: number): Verdict<EntryShape> {
  const unixMode = (externalFileAttributes >>> 16) & 0xffff;
  const type = unixMode & S_IFMT;
  const namedAsDirectory = rawName.endsWith('/') || rawName.endsWith('\\');
  if (namedAsDirectory || type === S_IFDIR) return ok({ kind: 'directory', mode: 0o755 });
  if (type === S_IFLNK) return ok({ kind: 'symlink', mode: 0o777 });
  if (type !== 0 && type !== S_IFREG) return refuse(`special file (mode ${unixMode.toString(8)}): ${rawName}`);
  return ok({ kind: 'file', mode: unixMode & 0o111 ? 0o755 : 0o644 });
}

/** A symlink's target as written in the archive: relative, NUL-free, of sane length. */
export function symlinkTarget(target: string): Verdict<string> {
  if (target.length === 0 || target.length > 4095) return refuse('symlink target is empty or too long');
  if (target.includes('\0')) return refuse('NUL in symlink target');
  if (target.startsWith('/') || target.includes('\\') || /^[A-Za-z]:/.test(target)) {
    return refuse(`symlink target is absolute: ${target}`);
  }
  return ok(target);
}

const MAX_LINK_HOPS = 40; // Linux's own limit before ELOOP

/**
 * Where the link at `linkPath` leads, resolving every link in `links` (tree path → target) the
 * way the kernel would. `outside` when any step climbs above the tree's root, so chains such as
 * `a/b/up -> ../..` plus `x -> a/b/up/..` are caught, not just targets that look escaping.
 */
export function symlinkDestination(
  linkPath: string,
  links: ReadonlyMap<string, string>,
): 'inside' | 'outside' | 'loop' {
  const stack = linkPath.split('/').slice(0, -1);
  let pending = (links.get(linkPath) ?? '').split('/');
  let hops = 0;
  while (pending.length > 0) {
    const [part, ...rest] = pending;
    pending = rest;
    if (part === undefined || part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return 'outside';
      stack.pop();
      continue;
    }
    stack.push(part);
    const target = links.get(stack.join('/'));
    if (target === undefined) continue;
    hops += 1;
    if (hops > MAX_LINK_HOPS) return 'loop';
    if (target.startsWith('/')) return 'outside';
    stack.pop();
    pending = [...target.split('/'), ...pending];
  }
  return 'inside';
}

/**
 * The first layout conflict among the entries, if any: the same file or link twice, a file
 * where a directory is needed, or an entry below a symlink (writing it would follow the link).
 */
export function layoutConflict(
  entries: readonly { readonly path: string; readonly kind: EntryKind }[],
): string | undefined {
  const kinds = new Map<string, EntryKind>();
  for (const entry of entries) {
    const seen = kinds.get(entry.path);
    if (seen !== undefined && (seen !== 'directory' || entry.kind !== 'directory')) {
      return `duplicate entry: ${entry.path}`;
    }
    kinds.set(entry.path, entry.kind);
  }
  for (const entry of entries) {
    const parts = entry.path.split('/');
    for (let depth = 1; depth < parts.length; depth += 1) {
      const ancestor = parts.slice(0, depth).join('/');
      const kind = kinds.get(ancestor);
      if (kind === 'file') return `entry below a file: ${entry.path}`;
      if (kind === 'symlink') return `entry below a symlink: ${entry.path}`;
    }
  }
  return undefined;
}

export interface EntryExtent {
  readonly name: string;
  readonly localHeaderOffset: number;
  readonly compressedSize: number;
}

/**
 * Two entries whose data share bytes of the archive: the trick of non-recursive zip bombs
 * (Fifield, "A better zip bomb"). Each entry spans at least its 30-byte local header plus its data.
 */
export function overlappingEntries(extents: readonly EntryExtent[]): readonly [string, string] | undefined {
  const sorted = [...extents].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < sorted.length; i += 1) {
    const previous = sorted[i - 1];
    const current = sorted[i];
    if (!previous || !current) continue;
    if (previous.localHeaderOffset + 30 + previous.compressedSize > current.localHeaderOffset) {
      return [previous.name, current.name];
    }
  }
  return undefined;
}
