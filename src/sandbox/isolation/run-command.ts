// Runs a host tool (mkfs.ext4, mount, cp, mknod, …) and waits for it; a failure rejects with the
// command line and what the tool wrote on stderr. Through the command runner (command-runner.ts)
// where this build has the init, else forked from Hearth itself.
import { execFile } from 'node:child_process';
import { CommandRunner } from './command-runner.js';
import { builtSandboxInit } from './sandbox-init.js';

export interface RunOptions {
  /** The tool's working directory; the runner always uses /. */
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

let runner: CommandRunner | undefined | null = null;

/** The process's command runner (undefined: this build has no init); parked launchers fork from it too. */
export function commandRunner(): CommandRunner | undefined {
  if (runner === null) {
    const init = builtSandboxInit();
    runner = init === undefined ? undefined : new CommandRunner(init);
  }
  return runner;
}

/**
 * Whether runCommand can run the init's built-in tools (`:disk`, `:umount`; init-disk-tools.c):
 * this build has the init, so tools go through its runner.
 */
export function hasBuiltinTools(): boolean {
  return commandRunner() !== undefined;
}

export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<void> {
  const failed = (stderr: string, fallback: string): Error =>
    new Error(`${command} ${args.join(' ')}: ${stderr.trim() || fallback}`);
  const shared = options.cwd === undefined || options.cwd === '/' ? commandRunner() : undefined;
  if (shared !== undefined) {
    return shared.run(command, args, options.timeoutMs ?? 30_000).then(
      ({ status, stderr }) => {
        if (status !== 0) throw failed(stderr, `exit status ${status}`);
      },
      (error: unknown) => {
        throw failed('', String(error));
      },
    );
  }
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: options.timeoutMs ?? 30_000, ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) },
      (error, _stdout, stderr) => (error ? reject(failed(stderr, error.message)) : resolve()),
    );
  });
}
