// Resident memory of a process and everything it spawned, read from Linux's /proc, as RSS and as
// PSS. RSS counts a page shared by n processes (a library's code, the node binary) n times; PSS
// counts 1/n of it in each, so PSS sums to what the host really holds. The parsers are pure;
// `treeMemory` is the thin shell that reads the files.
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
}

export interface TreeMemory {
  /** Resident bytes of the root process alone. */
  readonly rootBytes: number;
  /** Resident bytes of all descendants (not the root). */
  readonly descendantBytes: number;
  /** The same as proportional set sizes (shared pages divided among their users). */
  readonly rootPssBytes: number;
  readonly descendantPssBytes: number;
  readonly descendants: number;
}

/** pid and parent pid from a /proc/<pid>/stat line; the command name may hold spaces and ")". */
export function parseStat(text: string): ProcessEntry | undefined {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  if (close < 0 || !Number.isInteger(pid) || !Number.isInteger(ppid)) return undefined;
  return { pid, ppid };
}

/** VmRSS from /proc/<pid>/status, in bytes (0 for a process with none, such as a zombie). */
export function parseRssBytes(status: string): number {
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kib === undefined ? 0 : Number(kib) * 1024;
}

/** Pss from /proc/<pid>/smaps_rollup, in bytes (0 when unreadable). */
export function parsePssBytes(smapsRollup: string): number {
  const kib = /^Pss:\s+(\d+)\s+kB/m.exec(smapsRollup)?.[1];
  return kib === undefined ? 0 : Number(kib) * 1024;
}

/** Every process below `root`, depth first. */
export function descendantsOf(root: number, entries: readonly ProcessEntry[]): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of entries) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const visit = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** The processes below `root` now, read from /proc. */
export function descendantPids(root: number): number[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = parseStat(readOrEmpty(`/proc/${name}/stat`));
    if (entry) entries.push(entry);
  }
  return descendantsOf(root, entries);
}

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

/** CPU time one process has used in user and in kernel mode, in microseconds (0 when it is gone). */
export function cpuTimes(pid: number): { user: number; system: number } {
  const text = readOrEmpty(`/proc/${pid}/stat`);
  if (text === '') return { user: 0, system: 0 };
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) * TICK_US, system: Number(fields[12]) * TICK_US };
}

/** CPU time (utime + stime) one process has used, in microseconds (0 when it is gone). */
export function cpuMicros(pid: number): number {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

export function treeMemory(root: number): TreeMemory {
  const descendants = descendantPids(root);
  const rss = (pid: number): number => parseRssBytes(readOrEmpty(`/proc/${pid}/status`));
  const pss = (pid: number): number => parsePssBytes(readOrEmpty(`/proc/${pid}/smaps_rollup`));
  return {
    rootBytes: rss(root),
    descendantBytes: descendants.reduce((sum, pid) => sum + rss(pid), 0),
    rootPssBytes: pss(root),
    descendantPssBytes: descendants.reduce((sum, pid) => sum + pss(pid), 0),
    descendants: descendants.length,
  };
}

/** A process may exit between listing /proc and reading its files. */
function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
