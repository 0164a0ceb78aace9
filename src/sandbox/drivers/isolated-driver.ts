// The 'isolated' SandboxDriver: each runtime in its own bubblewrap sandbox and cgroup (see
// docs/isolation.md). The launch, in order:
//   1. cgroup with the limits, the /tmp disk, generated /etc files and the Runtime API socket;
//   2. `sh` (as root) writes its own pid into the cgroup and lowers RLIMIT_NOFILE, so that nothing
//      of the sandbox ever runs outside its cgroup or with more files;
//   3. `bwrap` (as root, so it can bind what only root can reach) builds the namespaces and mounts;
//   4. inside, `setpriv` becomes the sandbox's own uid/gid — a real uid, no user namespace — with no
//      groups, no capabilities and no_new_privs, and runs the runtime through a small launcher
//      that starts the 127.0.0.1:9001 → Runtime API socket forwarder.
// With the pre-started pool on, start() first takes a ready generic sandbox of the spec's kind and
// specialises it (prestarted-sandbox.ts); only when none is ready does it launch one as above.
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
  RUNTIME_API_SOCKET_NAME,
  SANDBOX_RUNTIME_API_SOCKET,
} from '../isolation/bwrap-arguments.js';
import { createBindMounter, type BindMounter } from '../isolation/bind-mounter.js';
import type { CgroupHierarchy, SandboxCgroup } from '../isolation/cgroup-hierarchy.js';
import { readHostLayout, sandboxEtcFiles, type HostLayout } from '../isolation/host-layout.js';
import { closeFdsScript, inheritedFds } from '../isolation/inherited-fds.js';
import { instanceName } from '../isolation/owner-identity.js';
import { cpuQuota, DEFAULT_CPU_POLICY, MB, sandboxLimits, type CpuPolicy } from '../isolation/resource-limits.js';
import { sandboxExit } from '../isolation/sandbox-exit.js';
import { createScratchDisk, type ScratchDisk } from '../isolation/scratch-disk.js';
import { sweepStale, type SweepResult } from '../isolation/stale-sweep.js';
import { UidPool } from '../isolation/uid-pool.js';
import { genericSpec, poolKey, poolRefusal, POOLED_EPHEMERAL_STORAGE_MB, type GenericSpec } from '../pool/pool-key.js';
import { DEFAULT_POOL_SIZING } from '../pool/pool-sizing.js';
import { PrestartPool } from '../pool/prestart-pool.js';
import { SpecialisationServer } from '../pool/specialisation-server.js';
import { prestartedEnv, specialise, type Booted, type PrestartedSandbox } from './prestarted-sandbox.js';

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
  /** Most pre-started sandboxes kept ready per kind (HEARTH_POOL_SIZE); 0 or absent: no pool. */
  readonly poolSize?: number;
  readonly log?: (line: string) => void;
}

/** The launcher run as root: join every cgroup, cap open files, become the next command. */
const JOIN_CGROUP_AND_EXEC =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; n=$((n-1)); shift; done; ' +
  'ulimit -n "$1" || exit 125; shift; umask 022; exec "$@"';

/** Memory limit of a pre-started sandbox until it is given its function's MemorySize. */
const PRESTART_MEMORY_MB = 512;

/** Numbers the sandboxes of this process: cgroup, socket and state names are unique across drivers. */
let sandboxCounter = 0;

/** What one launch needs beyond the driver's own settings. */
interface BootPlan {
  readonly argv: readonly string[];
  /** The runtime's environment before the driver's own Runtime API variables. */
  readonly env: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  readonly ephemeralStorageMb: number;
  readonly runtimeDir: string;
  readonly hostPaths: readonly string[];
  readonly readOnlyBinds?: SandboxSpec['readOnlyBinds'];
  /** undefined: a pre-started sandbox, whose /var/task and /opt are empty shared slots. */
  readonly code?: { readonly codeDir: string; readonly optDir?: string };
  /** NODE_PATH etc., for the ES module links to the layers. */
  readonly esmEnv: Readonly<Record<string, string>>;
  readonly listen: (socket: string) => Promise<void>;
}

export class IsolatedDriver implements SandboxDriver {
  readonly name = 'isolated';
  private readonly instance = instanceName();
  private readonly layout: HostLayout = readHostLayout();
  /** Closes what Hearth inherited without close-on-exec, before anything else runs. */
  private readonly closeInherited = closeFdsScript(inheritedFds());
  private readonly uids: UidPool;
  private readonly socketDir: string;
  private readonly mounter: BindMounter;
  private readonly pool: PrestartPool<PrestartedSandbox>;
  private hearthApiSocketReady: Promise<void> | undefined;

  constructor(private readonly options: IsolatedDriverOptions) {
    this.uids = options.uids ?? new UidPool();
    this.socketDir = path.join(tmpdir(), `hearth-${this.instance}`);
    this.mounter = createBindMounter();
    this.pool = new PrestartPool(
      { ...DEFAULT_POOL_SIZING, max: options.poolSize ?? 0 },
      (generic) => this.prestart(generic),
      options.log,
    );
  }

  /** Removes what dead Hearth processes left behind (call once, before the first start()). */
  async sweep(): Promise<SweepResult> {
    return sweepStale(this.options.cgroups, this.options.stateDir, tmpdir());
  }

  async start(spec: SandboxSpec): Promise<SandboxProcess> {
    if (this.pool.enabled && poolRefusal(spec) === undefined) {
      const generic = genericSpec(spec);
      const prestarted = this.pool.take(poolKey(generic), generic);
      if (prestarted !== undefined) {
        try {
          return await specialise(prestarted, spec, this.mounter, this.runtimeApiEnv());
        } catch (error) {
          await prestarted.destroy();
          this.options.log?.(`WARNING: specialising a pre-started sandbox failed, starting one: ${String(error)}`);
        }
      }
    }
    const booted = await this.boot({
      argv: spec.argv,
      env: spec.env,
      memoryMb: spec.memoryMb,
      ephemeralStorageMb: spec.ephemeralStorageMb,
      runtimeDir: spec.runtimeDir,
      hostPaths: spec.hostPaths,
      ...(spec.readOnlyBinds !== undefined ? { readOnlyBinds: spec.readOnlyBinds } : {}),
      code: { codeDir: spec.codeDir, ...(spec.optDir !== undefined ? { optDir: spec.optDir } : {}) },
      esmEnv: spec.env,
      listen: (socket) => spec.runtimeApi.listenUnix(socket),
    });
    return booted.process;
  }

  /** Expects demand for this kind of sandbox (e.g. the default Node runtime at start-up): fills its pool. */
  prime(spec: Omit<SandboxSpec, 'runtimeApi'>): string | undefined {
    if (!this.pool.enabled || poolRefusal(spec) !== undefined) return undefined;
    const generic = genericSpec(spec);
    const key = poolKey(generic);
    this.pool.prime(key, generic);
    return key;
  }

  /** Resolves once `count` pre-started sandboxes of the kind are ready (false: gave up or timed out). */
  poolReady(key: string, count: number, timeoutMs?: number): Promise<boolean> {
    return this.pool.whenReady(key, count, timeoutMs);
  }

  /** Destroys the pre-started sandboxes (live ones belong to their environments). */
  async close(): Promise<void> {
    await this.pool.close();
    this.mounter.close();
  }

  /** One generic sandbox of a kind, started and waiting for its function. */
  private async prestart(generic: GenericSpec): Promise<PrestartedSandbox> {
    const server = new SpecialisationServer();
    const booted = await this.boot({
      argv: generic.argv,
      env: prestartedEnv(generic.env),
      memoryMb: PRESTART_MEMORY_MB,
      ephemeralStorageMb: POOLED_EPHEMERAL_STORAGE_MB,
      runtimeDir: generic.runtimeDir,
      hostPaths: generic.hostPaths,
      ...(generic.readOnlyBinds !== undefined ? { readOnlyBinds: generic.readOnlyBinds } : {}),
      esmEnv: generic.env,
      listen: (socket) => server.listen(socket),
    });
    const gone = booted.process.exited;
    const ready = await Promise.race([
      server.requested.then(() => true),
      gone.then(() => false),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 30_000).unref()),
    ]);
    if (!ready) {
      server.close();
      await booted.process.destroy();
      throw new Error('the pre-started runtime did not ask for its function');
    }
    return {
      booted,
      server,
      gone,
      destroy: async () => {
        server.close();
        await booted.process.destroy();
      },
    };
  }

  /** AWS_LAMBDA_RUNTIME_API and friends, as every sandbox of this driver sees them. */
  private runtimeApiEnv(): Record<string, string> {
    const env: Record<string, string> = {
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${RUNTIME_API_PORT}`,
      [RUNTIME_API_SOCKET_VARIABLE]: SANDBOX_RUNTIME_API_SOCKET,
    };
    if (this.options.hearthApiSocket !== undefined) env['AWS_ENDPOINT_URL'] = `http://127.0.0.1:${HEARTH_API_PORT}`;
    return env;
  }

  private async boot(plan: BootPlan): Promise<Booted> {
    const uid = this.uids.acquire();
    const gid = uid;
    const short = String(++sandboxCounter);
    const stateDir = path.join(this.options.stateDir, this.instance, short);
    const socketDir = path.join(this.socketDir, short);
    const socket = path.join(socketDir, RUNTIME_API_SOCKET_NAME);
    const slots =
      plan.code === undefined ? { task: path.join(stateDir, 'task'), opt: path.join(stateDir, 'opt') } : undefined;
    const limits = sandboxLimits(plan.memoryMb, plan.ephemeralStorageMb);
    const hostCores = this.options.hostCores ?? availableParallelism();
    const policy = this.options.cpuPolicy ?? DEFAULT_CPU_POLICY;
    const held: { cgroup?: SandboxCgroup; disk?: ScratchDisk } = {};
    // Never rejects: what cannot be removed is logged (and swept at the next start).
    const release = async (): Promise<void> => {
      const warn = (error: unknown): void =>
        this.options.log?.(`WARNING: releasing sandbox ${short}: ${String(error)}`);
      await held.cgroup?.remove().catch(warn);
      // The function's code is mounted on the slots: nothing is deleted while it still is.
      let mounted = false;
      if (slots !== undefined) {
        for (const slot of [slots.task, slots.opt]) mounted = (await this.mounter.unmountAll(slot)) || mounted;
      }
      await rm(socketDir, { recursive: true, force: true }).catch(warn);
      if (mounted) warn(new Error(`a slot under ${stateDir} is still mounted; left for the stale sweep`));
      else {
        await held.disk?.remove().catch(warn);
        await rm(stateDir, { recursive: true, force: true }).catch(warn);
      }
      this.uids.release(uid);
    };
    try {
      await mkdir(socketDir, { recursive: true, mode: 0o711 });
      const [cgroup, disk] = await Promise.all([
        this.options.cgroups.create(this.instance, short, {
          memoryBytes: limits.memoryBytes,
          pidsMax: limits.pidsMax,
          cpu: cpuQuota(plan.memoryMb, hostCores, 'init', policy),
        }),
        createScratchDisk(stateDir, limits.tmpBytes, uid, gid),
        plan.listen(socket).then(() => chown(socket, uid, gid)),
        this.shareHearthApiSocket(),
      ]);
      held.cgroup = cgroup;
      held.disk = disk;
      if (plan.code === undefined) await cgroup.setCpuWeight('background');
      if (slots !== undefined) {
        for (const slot of [slots.task, slots.opt]) {
          await mkdir(slot, { mode: 0o755 });
          await mkdir(`${slot}-staging`, { mode: 0o700 });
          await this.mounter.makeSharedSlot(slot);
        }
      }
      const etc = sandboxEtcFiles(uid, gid);
      const generatedFiles = await Promise.all(
        (Object.keys(etc) as Array<keyof typeof etc>).map(async (name) => {
          const host = path.join(stateDir, name);
          await writeFile(host, etc[name], { mode: 0o644 });
          return { host, sandbox: `/etc/${name}` };
        }),
      );
      const optDir = slots?.opt ?? plan.code?.optDir;
      const args = bwrapArguments({
        setpriv: this.options.setpriv ?? '/usr/bin/setpriv',
        uid,
        gid,
        argv: plan.argv,
        env: { ...plan.env, ...this.runtimeApiEnv() },
        codeDir: slots?.task ?? plan.code?.codeDir ?? '',
        runtimeDir: plan.runtimeDir,
        ...(optDir !== undefined
          ? {
              optDir,
              esmLinks: esmLayerFolders(plan.esmEnv).map((target, i) => ({ target, at: ESM_LINK_POINTS[i] ?? '' })),
            }
          : {}),
        hostPaths: plan.hostPaths,
        ...(plan.readOnlyBinds !== undefined ? { readOnlyBinds: plan.readOnlyBinds } : {}),
        systemRoots: this.layout.systemRoots,
        etcPaths: this.layout.etcPaths,
        generatedFiles,
        tmpDir: disk.mountPoint,
        runtimeApiDir: socketDir,
        ...(this.options.hearthApiSocket !== undefined ? { hearthApiSocket: this.options.hearthApiSocket } : {}),
        ...(this.options.socat !== undefined ? { socat: this.options.socat } : {}),
      });
      const quota = { memoryMb: plan.memoryMb };
      const process = this.launch(cgroup, limits.nofile, args, release, () =>
        cgroup.setCpu(cpuQuota(quota.memoryMb, hostCores, 'invoke', policy)),
      );
      return { process, cgroup, uid, stateDir, socket, quota };
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
        '3',
        '--',
        ...bwrapCommand.command,
      ],
      { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], cwd: '/' },
    );
    // bwrap reads its arguments NUL-separated from fd 3 and closes it.
    const argsPipe = child.stdio[3] as Writable;
    argsPipe.on('error', () => undefined);
    argsPipe.end(bwrapCommand.options.map((arg) => `${arg}\0`).join(''));

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
    // Not remembered when it fails: the socket may not exist yet, and the next start tries again.
    this.hearthApiSocketReady ??= chmod(socket, 0o666).catch((error: unknown) => {
      this.hearthApiSocketReady = undefined;
      throw error;
    });
    return this.hearthApiSocketReady;
  }
}
