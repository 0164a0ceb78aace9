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
import { availableParallelism, networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
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
import { attachNetwork, blockedDestinations, RESOLV_CONF, type NetworkTools } from '../isolation/sandbox-network.js';
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
  /** slirp4netns, nsenter and ip, for sandboxes with outbound internet; without them such sandboxes fail to start. */
  readonly network?: NetworkTools;
}

/** The fd on which bwrap reads its options, and the one with the seccomp filter. */
const ARGS_FD = 3;
const SECCOMP_FD = 4;
/** With internet: bwrap writes its sandbox's pid to one, and waits on the other until the network is up. */
const INFO_FD = 5;
const BLOCK_FD = 6;

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
  private readonly inherited = inheritedFds();
  /** Where a sandbox with internet must never connect (isolation/sandbox-network.ts). */
  private readonly blocked = blockedDestinations(networkInterfaces());
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
    const internet = spec.internet === true;
    if (internet && this.options.network === undefined)
      throw new Error(
        'Outbound internet (hearth:network=internet) needs slirp4netns, nsenter and ip on the host (Debian: apt-get install slirp4netns iproute2 util-linux)',
      );
    const limits = sandboxLimits(spec.memoryBurstMb ?? spec.memoryMb, spec.ephemeralStorageMb);
    const hostCores = this.options.hostCores ?? availableParallelism();
    const policy = this.options.cpuPolicy ?? DEFAULT_CPU_POLICY;
    const held: { cgroup?: SandboxCgroup; disk?: ScratchDisk } = {};
    // Once only: a start that fails after launching releases through destroy() and again below.
    let released: Promise<void> | undefined;
    const release = (): Promise<void> =>
      (released ??= (async () => {
        await held.cgroup?.remove();
        await held.disk?.remove();
        await rm(socket, { force: true });
        await rm(stateDir, { recursive: true, force: true });
        this.uids.release(uid);
      })());
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
      const etc: Record<string, string> = {
        ...sandboxEtcFiles(uid, gid),
        ...(internet ? { 'resolv.conf': RESOLV_CONF } : {}),
      };
      const generatedFiles = await Promise.all(
        Object.entries(etc).map(async ([name, contents]) => {
          const host = path.join(stateDir, name);
          await writeFile(host, contents, { mode: 0o644 });
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
        ...(internet ? { waitForNetwork: { infoFd: INFO_FD, blockFd: BLOCK_FD } } : {}),
      });
      const [sandbox, network] = this.launch(cgroup, limits.nofile, args, release, internet, () =>
        cgroup.setCpu(cpuQuota(spec.memoryMb, hostCores, 'invoke', policy)),
      );
      if (network !== undefined)
        await network.catch(async (error: unknown) => {
          await sandbox.destroy();
          throw error;
        });
      return sandbox;
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
    internet: boolean,
    initialised: () => Promise<void>,
  ): [SandboxProcess, Promise<void> | undefined] {
    const bwrap = this.options.bwrap ?? '/usr/bin/bwrap';
    const pipes = [
      ARGS_FD,
      ...(this.seccomp !== undefined ? [SECCOMP_FD] : []),
      ...(internet ? [INFO_FD, BLOCK_FD] : []),
    ];
    // What Hearth inherited is closed, but for the fds the pipes below replace.
    const closeInherited = closeFdsScript(this.inherited.filter((fd) => !pipes.includes(fd)));
    const join = [String(cgroup.procsFiles.length), ...cgroup.procsFiles, String(nofile)];
    const child = spawn(
      closeInherited.shell,
      [
        '-c',
        closeInherited.script + JOIN_CGROUP_AND_EXEC,
        'hearth-sandbox',
        ...join,
        bwrap,
        '--args',
        String(ARGS_FD),
        '--',
        ...bwrapCommand.command,
      ],
      {
        env: {},
        stdio: ['ignore', 'pipe', 'pipe', ...[3, 4, 5, 6].map((fd) => (pipes.includes(fd) ? 'pipe' : 'ignore'))],
        cwd: '/',
      },
    );
    // bwrap reads its arguments NUL-separated from fd 3, and the filter's instructions from fd 4.
    const stdio = child.stdio as unknown as ReadonlyArray<Readable | Writable | null>;
    const feed = (fd: number, data: Buffer | string): void => {
      const pipe = stdio[fd] as Writable;
      pipe.on('error', () => undefined);
      pipe.end(data);
    };
    feed(ARGS_FD, bwrapCommand.options.map((arg) => `${arg}\0`).join(''));
    if (this.seccomp !== undefined) feed(SECCOMP_FD, this.seccomp);
    const network =
      internet && this.options.network !== undefined
        ? this.connectNetwork(stdio[INFO_FD] as Readable, stdio[BLOCK_FD] as Writable, this.options.network, {
            shell: '/bin/sh',
            script: JOIN_CGROUP_AND_EXEC,
            args: join,
          })
        : undefined;
    network?.catch(() => undefined);

    const exited = new Promise<SandboxExit>((resolve) => {
      child.once('exit', (code, signal) => resolve(sandboxExit(code, signal)));
      child.once('error', () => resolve({ code: 126, signal: null }));
    });
    // When the runtime ends, whatever it left in its cgroup ends too.
    void exited.then(() => cgroup.kill().catch(() => undefined));
    let destroying: Promise<void> | undefined;
    const sandbox: SandboxProcess = {
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
    return [sandbox, network];
  }

  /** bwrap's sandbox pid from --info-fd, slirp4netns and the routes for it, then --block-fd released. */
  private async connectNetwork(
    info: Readable,
    block: Writable,
    tools: NetworkTools,
    join: { shell: string; script: string; args: readonly string[] },
  ): Promise<void> {
    block.on('error', () => undefined);
    // Read on to the end (bwrap writes the rest of its JSON after the pid; a closed pipe would kill
    // it with SIGPIPE), but go on as soon as the pid is there.
    let text = '';
    const pid = await new Promise<number>((resolve) => {
      const found = (): number => Number(/"child-pid"\s*:\s*(\d+)/.exec(text)?.[1]);
      info.on('data', (chunk: Buffer) => {
        if (text.length < 4096) text += chunk.toString('utf8');
        if (found() > 0) resolve(found());
      });
      info.on('error', () => resolve(0));
      info.on('close', () => resolve(found()));
    });
    if (!(pid > 0)) throw new Error(`bwrap did not report its sandbox's pid: ${text}`);
    await attachNetwork(pid, this.blocked, tools, join);
    block.end('1');
  }

  /** Every sandbox uid must be able to connect to Hearth's API socket (done once). */
  private shareHearthApiSocket(): Promise<void> {
    const socket = this.options.hearthApiSocket;
    if (socket === undefined) return Promise.resolve();
    this.hearthApiSocketReady ??= chmod(socket, 0o666);
    return this.hearthApiSocketReady;
  }
}
