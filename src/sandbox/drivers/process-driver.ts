// The 'process' SandboxDriver: the runtime as a plain child process, with NO isolation. Used where
// isolation is unavailable (not Linux, not root) and for development.
// - Sandbox paths in argv and env are rewritten to host paths (see host-paths.ts); cwd is the code dir.
// - Each sandbox gets a private TMPDIR under `tmpBaseDir`, removed on destroy. (Lambda keeps /tmp
//   of the same function across a reset; this driver does not.)
// - `detached: true` makes the runtime its own process group, so destroy() kills the whole tree
//   with SIGKILL to -pid. Node has no PR_SET_PDEATHSIG: if Hearth itself is SIGKILLed, runtimes
//   started by this driver survive (the isolated driver's pid namespace does not have that gap).
// - The Runtime API is served on loopback TCP; other local processes could reach it (no netns).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { SandboxDriver, SandboxExit, SandboxProcess, SandboxSpec } from '../sandbox-driver.js';
import { toHostPath, type PathMapping } from './host-paths.js';

export interface ProcessDriverOptions {
  /** Directory under which each sandbox gets its private temp dir. */
  readonly tmpBaseDir: string;
}

export class ProcessDriver implements SandboxDriver {
  readonly name = 'process';

  constructor(private readonly options: ProcessDriverOptions) {}

  async start(spec: SandboxSpec): Promise<SandboxProcess> {
    const runtimeApi = await spec.runtimeApi.listenTcp('127.0.0.1');
    const tmpDir = path.join(this.options.tmpBaseDir, spec.id);
    mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
    const mappings: PathMapping[] = [
      { sandboxPath: '/var/task', hostPath: spec.codeDir },
      { sandboxPath: '/var/runtime', hostPath: spec.runtimeDir },
    ];
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(spec.env)) env[key] = toHostPath(value, mappings);
    env['TMPDIR'] = tmpDir;
    env['AWS_LAMBDA_RUNTIME_API'] = runtimeApi;
    const [command, ...args] = spec.argv.map((arg) => toHostPath(arg, mappings));
    if (command === undefined) throw new Error(`Sandbox ${spec.id} has an empty argv`);

    const child = spawn(command, args, { cwd: spec.codeDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<SandboxExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      // A runtime that cannot be started exits as a shell would: 127 not found, 126 not executable.
      child.once('error', (error: NodeJS.ErrnoException) =>
        resolve({ code: error.code === 'ENOENT' ? 127 : 126, signal: null }),
      );
    });
    let destroyed = false;
    const destroy = async (): Promise<void> => {
      if (destroyed) return;
      destroyed = true;
      killGroup(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      rmSync(tmpDir, { recursive: true, force: true });
    };
    // When the runtime's main process ends, whatever it left in its group ends too.
    void exited.then(() => killGroup(child.pid));
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      exited,
      maxMemoryUsedMb: async () => peakMemoryMb(child.pid),
      destroy,
    };
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** VmHWM (peak resident set) of the runtime's main process; procfs reads never block on disk. */
function peakMemoryMb(pid: number | undefined): number {
  if (pid === undefined || process.platform !== 'linux') return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match?.[1] === undefined ? 0 : Math.ceil(Number(match[1]) / 1024);
  } catch {
    return 0;
  }
}
