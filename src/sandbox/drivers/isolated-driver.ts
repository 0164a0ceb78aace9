// The 'isolated' SandboxDriver: each runtime in its own bubblewrap sandbox and cgroup (see
// docs/isolation.md). The launch, in order:
//   1. cgroup with the limits, the /tmp disk, generated /etc files and the Runtime API socket;
//   2. `sh` (as root) writes its own pid into the cgroup and lowers RLIMIT_NOFILE, so that nothing
//      of the sandbox ever runs outside its cgroup or with more files;
//   3. `bwrap` (as root, so it can bind what only root can reach) builds the namespaces and mounts;
//   4. inside, `setpriv` becomes the sandbox's own uid/gid — a real uid, no user namespace — with no
//      groups, no capabilities and no_new_privs, and runs the runtime through a small launcher
//      that starts the 127.0.0.1:9001 → Runtime API socket forwarder.
// destroy() SIGKILLs bwrap, then empties and removes the cgroup; nothing of the sandbox survives.
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { SandboxDriver, SandboxExit, SandboxProcess, SandboxSpec } from '../sandbox-driver.js';
import { RUNTIME_API_SOCKET_VARIABLE } from '../sandbox-driver.js';
import { ESM_LINK_POINTS, esmLayerFolders } from '../esm-layer-paths.js';
import {
  bwrapArguments,
  type BwrapCommand,
  HEARTH_API_PORT,
  RUNTIME_API_PORT,
  SANDBOX_RUNTIME_API_SOCKET,
} from '../isolation/bwrap-arguments.js';
import type { CgroupHierarchy, SandboxCgroup } from '../isolation/cgroup-hierarchy.js';
import { readHostLayout, sandboxEtcFiles, type HostLayout } from '../isolation/host-layout.js';
import { closeFdsScript, inheritedFds } from '../isolation/inherited-fds.js';
import { instanceName } from '../isolation/owner-identity.js';
import { cpuQuota, DEFAULT_CPU_POLICY, MB, sandboxLimits, type CpuPolicy } from '../isolation/resource-limits.js';
import { sandboxExit } from '../isolation/sandbox-exit.js';
import { seccompProgram } from '../isolation/seccomp-filter.js';
import { createScratchDisk, type ScratchDisk } from '../isolation/scratch-disk.js';
import { sweepStale, type SweepResult } from '../isolation/stale-sweep.js';
import { UidPool } from '../isolation/uid-pool.js';

export interface IsolatedDriverOptions {
  /** Host directory for per-sandbox state (/tmp images, generated /etc files); on a disk, not a tmpfs. */
  readonly stateDir: string;
  /** From openCgroups() (detect-isolation.ts). */
  readonly cgroups: CgroupHierarchy;
  readonly bwrap?: string;
  readonly setpriv?: string;
  /** socat for the in-sandbox 127.0.0.1 forwarders; without it only the unix socket works. */
  readonly socat?: string;
  /** Hearth's own API on a unix socket; sandboxes then reach it at AWS_ENDPOINT_URL=http://127.0.0.1:9000. */
  readonly hearthApiSocket?: string;
  readonly cpuPolicy?: CpuPolicy;
  /** Freeze sandboxes between invocations (cgroup freezer), as Lambda does. Default true. */
  readonly freezeIdle?: boolean;
  readonly hostCores?: number;
  readonly uids?: UidPool;
  /** Run every sandbox under Hearth's seccomp filter (isolation/seccomp-filter.ts). Default true. */
  readonly seccomp?: boolean;
}

/** The fd on which bwrap reads its options, and the one with the seccomp filter. */
const ARGS_FD = 3;
const SECCOMP_FD = 4;

/** The launcher run as root: join every cgroup, cap open files, become the next command. */
const JOIN_CGROUP_AND_EXEC =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; n=$((n-1)); shift; done; ' +
  'ulimit -n "$1" || exit 125; shift; umask 022; exec "$@"';

/** Numbers the sandboxes of this process: cgroup, socket and state names are unique across drivers. */
let sandboxCounter = 0;

export class IsolatedDriver implements SandboxDriver {
  readonly name = 'isolated';
  private readonly instance = instanceName();
  private readonly layout: HostLayout = readHostLayout();
  /** Closes what Hearth inherited without close-on-exec, before anything else runs. */
  private readonly closeInherited = closeFdsScript(inheritedFds(SECCOMP_FD));
  /** The encoded filter, built once; undefined when disabled or on an architecture without one. */
  private readonly seccomp: Buffer | undefined;
  private readonly uids: UidPool;
  private readonly socketDir: string;
  private hearthApiSocketReady: Promise<void> | undefined;

  constructor(private readonly options: IsolatedDriverOptions) {
    this.uids = options.uids ?? new UidPool();
    this.seccomp = options.seccomp === false ? undefined : seccompProgram();
    this.socketDir = path.join(tmpdir(), `hearth-${this.instance}`);
  }

  /** Removes what dead Hearth processes left behind (call once, before the first start()). */
  async sweep(): Promise<SweepResult> {
    return sweepStale(this.options.cgroups, this.options.stateDir, tmpdir());
  }

  async start(spec: SandboxSpec): Promise<SandboxProcess> {
    const uid = this.uids.acquire();
    const gid = uid;
    const short = String(++sandboxCounter);
    const stateDir = path.join(this.options.stateDir, this.instance, short);
    const socket = path.join(this.socketDir, `${short}.sock`);
    const limits = sandboxLimits(spec.memoryBurstMb ?? spec.memoryMb, spec.ephemeralStorageMb);
    const hostCores = this.options.hostCores ?? availableParallelism();
    const policy = this.options.cpuPolicy ?? DEFAULT_CPU_POLICY;
    const held: { cgroup?: SandboxCgroup; disk?: ScratchDisk } = {};
    const release = async (): Promise<void> => {
      await held.cgroup?.remove();
      await held.disk?.remove();
      await rm(socket, { force: true });
      await rm(stateDir, { recursive: true, force: true });
      this.uids.release(uid);
    };
    try {
      await mkdir(this.socketDir, { recursive: true, mode: 0o711 });
      const [cgroup, disk] = await Promise.all([
        this.options.cgroups.create(this.instance, short, {
          memoryBytes: limits.memoryBytes,
          pidsMax: limits.pidsMax,
          cpu: cpuQuota(spec.memoryMb, hostCores, 'init', policy),
        }),
        createScratchDisk(stateDir, limits.tmpBytes, uid, gid),
        spec.runtimeApi.listenUnix(socket).then(() => chown(socket, uid, gid)),
        this.shareHearthApiSocket(),
      ]);
      held.cgroup = cgroup;
      held.disk = disk;
      const etc = sandboxEtcFiles(uid, gid);
      const generatedFiles = await Promise.all(
        (Object.keys(etc) as Array<keyof typeof etc>).map(async (name) => {
          const host = path.join(stateDir, name);
          await writeFile(host, etc[name], { mode: 0o644 });
          return { host, sandbox: `/etc/${name}` };
        }),
      );
      const env: Record<string, string> = {
        ...spec.env,
        AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${RUNTIME_API_PORT}`,
        [RUNTIME_API_SOCKET_VARIABLE]: SANDBOX_RUNTIME_API_SOCKET,
      };
      if (this.options.hearthApiSocket !== undefined) env['AWS_ENDPOINT_URL'] = `http://127.0.0.1:${HEARTH_API_PORT}`;
      const args = bwrapArguments({
        setpriv: this.options.setpriv ?? '/usr/bin/setpriv',
        uid,
        gid,
        argv: spec.argv,
        env,
        codeDir: spec.codeDir,
        runtimeDir: spec.runtimeDir,
        ...(spec.optDir !== undefined
          ? {
              optDir: spec.optDir,
              esmLinks: esmLayerFolders(spec.env).map((target, i) => ({ target, at: ESM_LINK_POINTS[i] ?? '' })),
            }
          : {}),
        hostPaths: spec.hostPaths,
        ...(spec.readOnlyBinds !== undefined ? { readOnlyBinds: spec.readOnlyBinds } : {}),
        systemRoots: this.layout.systemRoots,
        etcPaths: this.layout.etcPaths,
        generatedFiles,
        tmpDir: disk.mountPoint,
        runtimeApiSocket: socket,
        ...(this.options.hearthApiSocket !== undefined ? { hearthApiSocket: this.options.hearthApiSocket } : {}),
        ...(this.options.socat !== undefined ? { socat: this.options.socat } : {}),
        ...(this.seccomp !== undefined ? { seccompFd: SECCOMP_FD } : {}),
      });
      return this.launch(cgroup, limits.nofile, args, release, () =>
        cgroup.setCpu(cpuQuota(spec.memoryMb, hostCores, 'invoke', policy)),
      );
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
  }

  private launch(
    cgroup: SandboxCgroup,
    nofile: number,
    bwrapCommand: BwrapCommand,
    release: () => Promise<void>,
    initialised: () => Promise<void>,
  ): SandboxProcess {
    const bwrap = this.options.bwrap ?? '/usr/bin/bwrap';
    const child = spawn(
      this.closeInherited.shell,
      [
        '-c',
        this.closeInherited.script + JOIN_CGROUP_AND_EXEC,
        'hearth-sandbox',
        String(cgroup.procsFiles.length),
        ...cgroup.procsFiles,
        String(nofile),
        bwrap,
        '--args',
        String(ARGS_FD),
        '--',
        ...bwrapCommand.command,
      ],
      { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'pipe', this.seccomp !== undefined ? 'pipe' : 'ignore'], cwd: '/' },
    );
    // bwrap reads its arguments NUL-separated from fd 3, and the filter's instructions from fd 4.
    const feed = (fd: number, data: Buffer | string): void => {
      const pipe = child.stdio[fd] as Writable;
      pipe.on('error', () => undefined);
      pipe.end(data);
    };
    feed(ARGS_FD, bwrapCommand.options.map((arg) => `${arg}\0`).join(''));
    if (this.seccomp !== undefined) feed(SECCOMP_FD, this.seccomp);

    const exited = new Promise<SandboxExit>((resolve) => {
      child.once('exit', (code, signal) => resolve(sandboxExit(code, signal)));
      child.once('error', () => resolve({ code: 126, signal: null }));
    });
    // When the runtime ends, whatever it left in its cgroup ends too.
    void exited.then(() => cgroup.kill().catch(() => undefined));
    let destroying: Promise<void> | undefined;
    return {
      stdout: child.stdout!,
      stderr: child.stderr!,
      exited,
      maxMemoryUsedMb: async () => Math.ceil((await cgroup.peakMemoryBytes().catch(() => 0)) / MB),
      initialised: () => initialised().catch(() => undefined),
      ...(this.options.freezeIdle !== false ? { setFrozen: (frozen: boolean) => void cgroup.setFrozen(frozen) } : {}),
      destroy: () => {
        destroying ??= (async () => {
          // A frozen task takes SIGKILL only once thawed.
          cgroup.setFrozen(false);
          child.kill('SIGKILL');
          await exited;
          child.stdout!.destroy();
          child.stderr!.destroy();
          await release();
        })();
        return destroying;
      },
    };
  }

  /** Every sandbox uid must be able to connect to Hearth's API socket (done once). */
  private shareHearthApiSocket(): Promise<void> {
    const socket = this.options.hearthApiSocket;
    if (socket === undefined) return Promise.resolve();
    this.hearthApiSocketReady ??= chmod(socket, 0o666);
    return this.hearthApiSocketReady;
  }
}
