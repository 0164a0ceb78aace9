// A sandbox's launcher process as the driver sees it (it becomes the sandbox's bwrap), however it
// was started: spawned by Hearth (a ChildProcess with socketpairs from Node), or forked by the
// command runner (command-runner.ts) with connections to the launcher socket (launcher-socket.ts)
// in place of the socketpairs. The runner's way costs Hearth no fork of its own large process.
import type { ChildProcess } from 'node:child_process';
import type { Duplex, Readable, Writable } from 'node:stream';
import type { CommandRunner } from './command-runner.js';
import type { ConnectedLauncher } from './launcher-socket.js';

export interface LauncherExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What it wrote on stderr while that still went to the runner (a launcher that failed early). */
  readonly stderr?: string;
}

export interface LauncherProcess {
  readonly pid: number | undefined;
  /** Hearth's end of each fd the launcher was given: 1 stdout, 2 stderr, 3–6 bwrap's pipes, 7 the channel. */
  readonly stdio: ReadonlyArray<Duplex | Readable | Writable | null | undefined>;
  readonly exited: Promise<LauncherExit>;
  /** SIGKILL, unless it has already ended. */
  kill(): void;
}

export function spawnedLauncher(child: ChildProcess): LauncherProcess {
  const exited = new Promise<LauncherExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: 126, signal: null }));
  });
  return {
    pid: child.pid,
    stdio: child.stdio as unknown as LauncherProcess['stdio'],
    exited,
    kill: () => void child.kill('SIGKILL'),
  };
}

/**
 * The launcher the runner started as request `id`. Its exit status comes from the runner (an exit
 * code, or 128 + the signal, which sandbox-exit.ts reads as the signal); a kill goes through the
 * runner, which signals the launcher's process group only while it has not reaped it, so a pid
 * used again by then is never hit.
 */
export function runnerLauncher(
  runner: CommandRunner,
  id: number,
  exit: Promise<{ status: number; stderr: string }>,
  connected: ConnectedLauncher,
): LauncherProcess {
  const stdio: (Duplex | undefined)[] = [];
  for (const [fd, socket] of connected.fds) stdio[fd] = socket;
  let ended = false;
  const exited = exit.then(
    ({ status, stderr }) => ({ code: status, signal: null, stderr }),
    () => ({ code: 126, signal: null, stderr: 'the command runner ended' }),
  );
  void exited.then(() => {
    ended = true;
  });
  return {
    pid: connected.pid,
    stdio,
    exited,
    kill: () => {
      if (!ended) runner.kill(id);
    },
  };
}
