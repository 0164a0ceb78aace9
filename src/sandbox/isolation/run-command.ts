// Runs a host tool (mkfs.ext4, mount, cp, mknod, …) and waits for it; a failure rejects with the
// command line and what the tool wrote on stderr.
import { execFile } from 'node:child_process';

export interface RunOptions {
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: options.timeoutMs ?? 30_000, ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`)) : resolve(),
    );
  });
}
