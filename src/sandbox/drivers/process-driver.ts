// The 'process' SandboxDriver: the runtime as a plain child process, with NO isolation. Used where
// isolation is unavailable (not Linux, not root) and for development.
// - Sandbox paths in argv and env are rewritten to host paths (see host-paths.ts); cwd is the code dir.
// - Each sandbox gets a private TMPDIR under `tmpBaseDir`, removed on destroy. (Lambda keeps /tmp
//   of the same function across a reset; this driver does not.)
// - `detached: true` makes the runtime its own process group, so destroy() kills the whole tree
//   with SIGKILL to -pid. Node has no PR_SET_PDEATHSIG: if Hearth itself is SIGKILLed, runtimes
//   started by this driver survive (the isolated driver's pid namespace does not have that gap).
// - The Runtime API is served on loopback TCP; other local processes could reach it (no netns).
// - Layers: `/opt` paths in env and argv become the merged layers directory (an empty one when the
//   function has none). Node functions run from an ESM task view (esm-task-view.ts), so that
//   `import 'pkg'` finds the layers' node_modules and the runtime's AWS SDK as on Lambda.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { readlink, rename, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SandboxDriver, SandboxExit, SandboxProcess, SandboxSpec } from '../sandbox-driver.js';
import { RUNTIME_API_SOCKET_VARIABLE } from '../sandbox-driver.js';
import { esmHostFolders } from '../esm-layer-paths.js';
import { EsmLinkDirs } from '../esm-link-dirs.js';
import { EsmTaskViews } from './esm-task-view.js';
import { toHostPath, type PathMapping } from './host-paths.js';

export interface ProcessDriverOptions {
  /** Directory under which each sandbox gets its private temp dir. */
  readonly tmpBaseDir: string;
  /** Where ESM task views of Node functions are built; without it, ESM cannot import from layers or the SDK. */
  readonly viewsDir?: string;
}

export class ProcessDriver implements SandboxDriver {
  readonly name = 'process';

  /** Short directory for the Runtime API sockets (a unix socket path must stay under 108 bytes). */
  private socketDir: string | undefined;
  /** What /opt means for a function without layers: an empty directory. */
  private emptyOptDir: string | undefined;
  private readonly views: EsmTaskViews | undefined;
  private readonly esm: EsmLinkDirs | undefined;
  /** The node_modules links above code trees made so far (linkAboveTree). */
  private readonly linkedAbove = new Map<string, Promise<boolean>>();

  constructor(private readonly options: ProcessDriverOptions) {
    this.views = options.viewsDir === undefined ? undefined : new EsmTaskViews(options.viewsDir);
    this.esm = options.viewsDir === undefined ? undefined : new EsmLinkDirs(path.join(options.viewsDir, 'links'));
  }

  async start(spec: SandboxSpec): Promise<SandboxProcess> {
    // Standard runtime clients use AWS_LAMBDA_RUNTIME_API (host:port). Hearth's own clients use
    // the same API over a unix socket, which costs the platform far less per request than
    // loopback TCP on the warm path.
    const runtimeApi = await spec.runtimeApi.listenTcp('127.0.0.1');
    this.socketDir ??= mkdtempSync(path.join(tmpdir(), 'hearth-rt-'));
    const runtimeApiSocket = path.join(this.socketDir, `${spec.id}.sock`);
    await spec.runtimeApi.listenUnix(runtimeApiSocket);
    const tmpDir = path.join(this.options.tmpBaseDir, spec.id);
    mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
    this.emptyOptDir ??= mkdtempSync(path.join(tmpdir(), 'hearth-empty-opt-'));
    const optDir = spec.optDir ?? this.emptyOptDir;
    const codeDir = await this.taskDir(spec);
    const mappings: PathMapping[] = [
      { sandboxPath: '/var/task', hostPath: codeDir },
      { sandboxPath: '/var/runtime', hostPath: spec.runtimeDir },
      ...(spec.readOnlyBinds ?? []).map((bind) => ({ sandboxPath: bind.sandbox, hostPath: bind.host })),
      { sandboxPath: '/opt', hostPath: optDir },
    ];
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(spec.env)) env[key] = toHostPath(value, mappings);
    env['TMPDIR'] = tmpDir;
    env['AWS_LAMBDA_RUNTIME_API'] = runtimeApi;
    env[RUNTIME_API_SOCKET_VARIABLE] = runtimeApiSocket;
    const [command, ...args] = spec.argv.map((arg) => toHostPath(arg, mappings));
    if (command === undefined) throw new Error(`Sandbox ${spec.id} has an empty argv`);

    const child = spawn(command, args, { cwd: codeDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<SandboxExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      // A runtime that cannot be started exits as a shell would: 127 not found, 126 not executable.
      child.once('error', (error: NodeJS.ErrnoException) =>
        resolve({ code: error.code === 'ENOENT' ? 127 : 126, signal: null }),
      );
    });
    const peakMemory = new PeakMemoryReader(child.pid);
    let destroyed = false;
    const destroy = async (): Promise<void> => {
      if (destroyed) return;
      destroyed = true;
      peakMemory.close();
      killGroup(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      rmSync(tmpDir, { recursive: true, force: true });
      rmSync(runtimeApiSocket, { force: true });
    };
    // When the runtime's main process ends, whatever it left in its group ends too.
    void exited.then(() => killGroup(child.pid));
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      exited,
      maxMemoryUsedMb: async () => peakMemory.readMb(),
      destroy,
    };
  }

  /** The code directory the runtime runs from: an ESM task view when ES modules need links. */
  /** Removes the driver's own temporary directories (the sockets' and the empty /opt); called at shutdown, after every sandbox is gone. */
  async close(): Promise<void> {
    for (const dir of [this.socketDir, this.emptyOptDir])
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    this.socketDir = undefined;
    this.emptyOptDir = undefined;
  }

  private async taskDir(spec: SandboxSpec): Promise<string> {
    if (this.views === undefined || this.esm === undefined) return spec.codeDir;
    const folders = esmHostFolders(spec.env, spec.optDir, spec.readOnlyBinds ?? [], 'host');
    // No layers, only the runtime's SDK: one link above every code tree serves them all, where a
    // view per function costs each first start of new code a copy of its tree in hard links (6 ms
    // for one file, ~200 ms for 100, measured under load).
    const sdkOnly = spec.optDir === undefined && folders.length === 1 ? folders[0] : undefined;
    if (sdkOnly !== undefined && (await this.linkAboveTree(spec.codeDir, sdkOnly.read))) return spec.codeDir;
    const esm = await this.esm.links(folders);
    if (esm.links.length === 0) return spec.codeDir;
    return this.views.taskDir(
      spec.codeDir,
      esm.links.map((_, i) => path.join(esm.dir, String(i + 1))),
    );
  }

  /**
   * `<dir of codeDir>/node_modules` → `folder`: the last node_modules an ES module's walk up from
   * /var/task (the code tree) meets, after the function's own. Made once per directory (replaced
   * atomically if it points elsewhere); false when it cannot be made there.
   */
  private linkAboveTree(codeDir: string, folder: string): Promise<boolean> {
    const at = path.join(path.dirname(codeDir), 'node_modules');
    const key = `${at}\0${folder}`;
    let made = this.linkedAbove.get(key);
    if (made === undefined) {
      made = (async () => {
        try {
          if ((await readlink(at).catch(() => undefined)) === folder) return true;
          const temporary = `${at}.tmp-${randomUUID()}`;
          await symlink(folder, temporary);
          await rename(temporary, at);
          return true;
        } catch {
          return false;
        }
      })();
      this.linkedAbove.set(key, made);
    }
    return made;
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

/**
 * VmHWM (peak resident set) of the runtime's main process. The status file is opened once and
 * re-read from offset 0 on every invoke (procfs regenerates it), which saves an open/fstat/close
 * per invocation on the hot path; procfs reads never block on disk.
 */
class PeakMemoryReader {
  private fd: number | undefined;
  private readonly buffer = Buffer.alloc(4096);

  constructor(pid: number | undefined) {
    if (pid === undefined || process.platform !== 'linux') return;
    try {
      this.fd = openSync(`/proc/${pid}/status`, 'r');
    } catch {
      this.fd = undefined;
    }
  }

  readMb(): number {
    if (this.fd === undefined) return 0;
    try {
      const length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      const match = /VmHWM:\s+(\d+) kB/.exec(this.buffer.toString('latin1', 0, length));
      return match?.[1] === undefined ? 0 : Math.ceil(Number(match[1]) / 1024);
    } catch {
      return 0;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
