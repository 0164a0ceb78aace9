// Names one running Hearth process as "<pid>-<start time in clock ticks since boot>", so that
// what it leaves on the host (cgroups, /tmp images) can be told apart from what a live Hearth —
// this one or another on the same host — still uses. The start time defeats pid reuse.
import { readFileSync } from 'node:fs';

const INSTANCE = /^(\d+)-(\d+)$/;

/** What /proc/<pid>/stat says of a process: a few of its fields. */
export interface ProcessStat {
  readonly command: string;
  readonly state: string;
  readonly parent: number;
  readonly group: number;
  /** Nice value (field 19); on Linux a thread's own, read through /proc/<tid>/stat. */
  readonly nice: number;
  /** Clock ticks since boot (field 22). */
  readonly startTime: string;
}

/** /proc/<pid>/stat of `pid` (or of a thread, by its tid), or undefined when it does not exist. */
export function processStat(pid: number | 'self'): ProcessStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after its last ')'.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return {
    command: stat.slice(stat.indexOf('(') + 1, close),
    state: fields[0] ?? '',
    parent: Number(fields[1]),
    group: Number(fields[2]),
    nice: Number(fields[16]),
    startTime: fields[19] ?? '',
  };
}

/** Field 22 of /proc/<pid>/stat (starttime), or undefined when the process does not exist. */
export function processStartTime(pid: number): string | undefined {
  return processStat(pid)?.startTime;
}

export function instanceName(pid: number = process.pid): string {
  const start = processStartTime(pid);
  if (start === undefined) throw new Error(`cannot read /proc/${pid}/stat`);
  return `${pid}-${start}`;
}

/** True while the Hearth process that owns `instance` is still running. Unknown names are not Hearth's to judge: alive. */
export function instanceAlive(instance: string): boolean {
  const match = INSTANCE.exec(instance);
  if (match === null) return true;
  return processStartTime(Number(match[1])) === match[2];
}
