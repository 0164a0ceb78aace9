// Reading and writing cgroup interface files, and the kill-until-empty loop both versions share.
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { access, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { KillUntil } from './cgroup-hierarchy.js';

/** How long a cgroup may take to empty after SIGKILL before Hearth gives up on it. */
const EMPTY_DEADLINE_MS = 5_000;
const POLL_MS = 2;

export async function writeValue(file: string, value: string | number): Promise<void> {
  await writeFile(file, String(value));
}

/**
 * On the event loop, for the writes a cold start waits on that the kernel does at once (a CPU
 * weight, a memory limit raised): tens of microseconds, against a thread-pool round trip of
 * 0.2–1 ms on a busy host. Never for a write that may reclaim memory or wait on cgroup locks.
 */
export function writeValueSync(file: string, value: string | number): void {
  writeFileSync(file, String(value));
}

export async function readNumber(file: string): Promise<number> {
  return parseNumber(await readFile(file, 'utf8'));
}

/** readNumber on the event loop, for counters the kernel keeps in memory (a peak, a limit). */
export function readNumberSync(file: string): number {
  return parseNumber(readFileSync(file, 'utf8'));
}

function parseNumber(text: string): number {
  const trimmed = text.trim();
  return trimmed === 'max' ? Number.POSITIVE_INFINITY : Number(trimmed);
}

/** Reads `key value` lines (memory.events, memory.oom_control, cgroup.events). */
export async function readKeyed(file: string, key: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [name, value] = line.split(' ');
    if (name === key && value !== undefined) return Number(value);
  }
  return undefined;
}

/** The pids in a cgroup.procs file, read on the event loop (the kernel lists them at once); none if it is gone. */
export function readPidsSync(procsFile: string): number[] {
  try {
    return parsePids(readFileSync(procsFile, 'utf8'));
  } catch {
    return [];
  }
}

function parsePids(text: string): number[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
}

export function killPids(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ESRCH: already gone.
    }
  }
}

/** Polls after which the kill loop signals again pids it already killed (a reused pid number). */
const RESIGNAL_EVERY_POLLS = 25;

/**
 * The kill loop's next step after reading a cgroup's pids: done when it is empty; a kill round
 * (freeze, read, SIGKILL, thaw) when a pid has not been killed yet, or every RESIGNAL_EVERY_POLLS
 * polls; else wait for the killed ones to exit. A SIGKILLed task cannot fork, so a cgroup whose
 * every pid was killed needs no more freezing: each round was two freezer writes (~75 µs each on
 * cgroup v1 when nothing else is frozen), and a killed Node runtime takes several polls to exit.
 */
export function nextKillStep(
  pids: readonly number[],
  killed: ReadonlySet<number>,
  pollsSinceKill: number,
): 'done' | 'kill' | 'wait' {
  if (pids.length === 0) return 'done';
  if (pollsSinceKill >= RESIGNAL_EVERY_POLLS || pids.some((pid) => !killed.has(pid))) return 'kill';
  return 'wait';
}

/**
 * SIGKILLs whatever is in `procsFile` until it stays empty ('signalled': one kill round only).
 * `beforeKill`/`afterKill` let the caller freeze the cgroup around a kill round, so that no
 * process can fork between the read and the kill.
 */
export async function killUntilEmpty(
  procsFile: string,
  around: { beforeKill?: () => Promise<void> | void; afterKill?: () => Promise<void> | void } = {},
  until: KillUntil = 'empty',
): Promise<void> {
  const deadline = Date.now() + EMPTY_DEADLINE_MS;
  const killed = new Set<number>();
  let polls = 0;
  for (;;) {
    // The kernel lists the pids at once: read in place, not through the thread pool.
    const step = nextKillStep(readPidsSync(procsFile), killed, polls);
    if (step === 'done') return;
    if (step === 'kill') {
      await around.beforeKill?.();
      const pids = readPidsSync(procsFile);
      killPids(pids);
      for (const pid of pids) killed.add(pid);
      await around.afterKill?.();
      polls = 0;
      if (until === 'signalled' || pids.length === 0) return;
    }
    if (Date.now() > deadline)
      throw new Error(`cgroup ${procsFile} still has processes ${readPidsSync(procsFile).join(' ')}`);
    await delay(POLL_MS);
    polls += 1;
  }
}

/** rmdir a cgroup directory; a cgroup whose last task is still exiting says EBUSY for a moment. */
export async function removeCgroupDir(dir: string): Promise<void> {
  const deadline = Date.now() + EMPTY_DEADLINE_MS;
  for (;;) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw error;
      await delay(POLL_MS);
    }
  }
}

/** Sub-directories of a cgroup directory (its child cgroups). */
export async function childCgroups(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

export async function fileExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/**
 * A control file written on the warm path (the freezer): opened once, then one synchronous pwrite
 * per change — no thread-pool hop, no open/close per write. Errors are swallowed and reported as
 * false: a sandbox that cannot be frozen still runs correctly.
 */
export class HeldControlFile {
  private fd: number | undefined;
  private closed = false;

  constructor(private readonly file: string) {}

  write(value: string): boolean {
    if (this.closed) return false;
    try {
      this.fd ??= openSync(this.file, 'w');
      writeSync(this.fd, value, 0);
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
