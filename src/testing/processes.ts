// For tests: the host's processes that match, read from /proc (command, parent, group, state), and
// a process tree that keeps forking, for the cgroup kill tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { processStat, type ProcessStat } from '../sandbox/isolation/owner-identity.js';

/** Pids of the processes whose /proc/<pid>/stat satisfies `matches` (gone ones are skipped). */
export function processesWhere(matches: (stat: ProcessStat, pid: number) => boolean): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const stat = processStat(pid);
      return stat !== undefined && matches(stat, pid);
    });
}

/** Whether `pid` is a child, grandchild… of this test process. */
export function descendsFromThisProcess(pid: number): boolean {
  for (let at = processStat(pid)?.parent; at !== undefined && at > 1; at = processStat(at)?.parent)
    if (at === process.pid) return true;
  return false;
}

/**
 * A shell that keeps forking `sleep 30`s, written into each of `procsFiles` (cgroup.procs files)
 * before it forks the first: new pids keep appearing while a kill runs. It waits on its stdin until
 * it is in every one, since a sleep forked between two of the writes would sit in some of the
 * cgroups but not the others (and keep them busy for 30 s).
 */
export function forkingTree(procsFiles: readonly string[]): ChildProcess {
  const tree = spawn('/bin/sh', ['-c', 'read go; while :; do sleep 30 & sleep 0.001; done'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  for (const procs of procsFiles) writeFileSync(procs, String(tree.pid));
  tree.stdin!.end('go\n');
  return tree;
}
