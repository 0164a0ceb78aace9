// The 'isolated' SandboxDriver: each runtime in its own bubblewrap sandbox and cgroup (see
// docs/isolation.md). The launch, in order:
//   1. cgroup with the limits, the /tmp disk, the sandbox's passwd/group and the Runtime API socket;
//   2. `sh` (as root) writes its own pid into the cgroup and lowers RLIMIT_NOFILE, so that nothing
//      of the sandbox ever runs outside its cgroup or with more files;
//   3. `bwrap` (as root, so it can bind what only root can reach) builds the namespaces and mounts;
//   4. inside, Hearth's init (isolation/sandbox-init.c; setpriv and a shell without it) becomes the
//      sandbox's own uid/gid — a real uid, no user namespace — with no groups, no capabilities and
//      no_new_privs, starts the 127.0.0.1:9001 → Runtime API socket forwarder and execs the runtime.
// Steps 2–3 are isolation/sandbox-launcher.ts.
// With the pre-started pool on, start() first takes a ready generic sandbox of the spec's kind and
// specialises it (prestarted-sandbox.ts); only when none is ready does it launch one as above.
// destroy() SIGKILLs bwrap, then empties and removes the cgroup; nothing of the sandbox survives.
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { availableParallelism, networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import type { SandboxDriver, SandboxProcess, SandboxSpec } from '../sandbox-driver.js';
import { RUNTIME_API_SOCKET_VARIABLE, type HearthApiHandler } from '../sandbox-driver.js';
import { ESM_SLOT, esmHostFolders, esmMounts } from '../esm-layer-paths.js';
import { EsmLinkDirs, type EsmLinks } from '../esm-link-dirs.js';
import {
  bwrapArguments,
  RUNTIME_API_PORT,
  RUNTIME_API_SOCKET_NAME,
  SANDBOX_RUNTIME_API_DIR,
  SANDBOX_RUNTIME_API_SOCKET,
} from '../isolation/bwrap-arguments.js';
import { createBindMounter, type BindMounter, type SandboxBind } from '../isolation/bind-mounter.js';
import type { CgroupHierarchy, SandboxCgroup } from '../isolation/cgroup-hierarchy.js';
import { prepareDevView } from '../isolation/dev-view.js';
import { prepareEtcView } from '../isolation/etc-view.js';
import { readHostLayout, sandboxEtcFiles, type HostLayout } from '../isolation/host-layout.js';
import { inheritedFds } from '../isolation/inherited-fds.js';
import { instanceName } from '../isolation/owner-identity.js';
import { cpuQuota, DEFAULT_CPU_POLICY, sandboxLimits, type CpuPolicy } from '../isolation/resource-limits.js';
import { BLOCK_FD, INFO_FD, SandboxLauncher, SECCOMP_FD, type HeldRuntime } from '../isolation/sandbox-launcher.js';
import { placeInit, SANDBOX_INIT_NAME } from '../isolation/sandbox-init.js';
import { seccompProgram } from '../isolation/seccomp-filter.js';
import { blockedDestinations, RESOLV_CONF, type NetworkTools } from '../isolation/sandbox-network.js';
import { createScratchDisk, DiskTemplates, type ScratchDisk } from '../isolation/scratch-disk.js';
import { ScratchDiskPool } from '../isolation/scratch-disk-pool.js';
import { mountPointsAtOrUnder } from '../isolation/mount-info.js';
import { CgroupPool } from '../isolation/cgroup-pool.js';
import { firstAnswer, type FirstAnswer } from '../isolation/first-answer.js';
import { LauncherSocket } from '../isolation/launcher-socket.js';
import { canPark, type ParkingNetworkTools, type ParkingPlan } from '../isolation/parked-launcher.js';
import { commandRunner } from '../isolation/run-command.js';
import { sweepStale, type SweepResult } from '../isolation/stale-sweep.js';
import { sandboxFilesRoot } from '../isolation/sandbox-files-root.js';
import { UidPool } from '../isolation/uid-pool.js';
import { genericSpec, poolKey, poolRefusal, POOLED_EPHEMERAL_STORAGE_MB, type GenericSpec } from '../pool/pool-key.js';
import { DEFAULT_POOL_SIZING } from '../pool/pool-sizing.js';
import { PrestartPool } from '../pool/prestart-pool.js';
import type { PoolRoom } from '../pool/pool-room.js';
import { SpecialisationServer } from '../pool/specialisation-server.js';
import { prestartedEnv, specialise, type Booted, type PrestartedSandbox } from './prestarted-sandbox.js';
import { aheadRefusal, HeldSandboxes, runHeld, type HeldKind, type HeldSandbox } from './held-sandbox.js';

export interface IsolatedDriverOptions {
  /** Host directory for per-sandbox state (/tmp images, generated /etc files); on a disk, not a tmpfs. */
  readonly stateDir: string;
  /** From openCgroups() (detect-isolation.ts). */
  readonly cgroups: CgroupHierarchy;
  readonly bwrap?: string;
  readonly setpriv?: string;
  /** unshare and ip: parked launchers make their sandbox's network namespace ahead (parked-launcher.ts). */
  readonly parkingNetwork?: ParkingNetworkTools;
  /** Hearth's compiled sandbox init (isolation/sandbox-init.c); undefined: setpriv and /bin/sh instead. */
  readonly init?: string;
  /** socat for the in-sandbox 127.0.0.1 forwarders; without it only the unix socket works. */
  readonly socat?: string;
  /** Hearth's own API: sandboxes reach it at AWS_ENDPOINT_URL=http://127.0.0.1:9001, on their Runtime API socket. */
  readonly hearthApi?: HearthApiHandler;
  readonly cpuPolicy?: CpuPolicy;
  /** Freeze sandboxes between invocations (cgroup freezer), as Lambda does. Default true. */
  readonly freezeIdle?: boolean;
  readonly hostCores?: number;
  readonly uids?: UidPool;
  /** Run every sandbox under Hearth's seccomp filter (isolation/seccomp-filter.ts). Default true. */
  readonly seccomp?: boolean;
  /** slirp4netns, nsenter and ip, for sandboxes with outbound internet; without them such sandboxes fail to start. */
  readonly network?: NetworkTools;
  /** Most pre-started sandboxes kept ready per kind (HEARTH_POOL_SIZE); 0 or absent: no pool. */
  readonly poolSize?: number;
  /** Keep held sandboxes per kind (held-sandbox.ts, HELD_PER_KIND). Default true (needs the init and python3). */
  readonly holdSandboxes?: boolean;
  readonly log?: (line: string) => void;
}

/** Memory limit of a pre-started sandbox until it is given its function's MemorySize (a generic
 *  runtime waiting for its function uses 10–40 MB); also the room it takes in the host's budget. */
const PRESTART_MEMORY_MB = 128;

/** /tmp disks of the default size kept made ahead (scratch-disk-pool.ts). */
const READY_DISKS = 2;
/** Empty cgroups kept made ahead (cgroup-pool.ts). */
const READY_CGROUPS = 2;
/** Held sandboxes kept per kind (held-sandbox.ts): with one, back-to-back cold starts of a kind
 *  alternated between a held sandbox and a full start while it was being made again. */
const HELD_PER_KIND = 2;

/** The process, telling `first` when it answered its first invocation or ended. */
function answering(process: SandboxProcess, first: FirstAnswer): SandboxProcess {
  void process.exited.then(first.settle);
  return { ...process, firstInvocationEnded: first.settle };
}

/** Numbers the sandboxes of this process: cgroup, socket and state names are unique across drivers. */
let sandboxCounter = 0;
/** Numbers the drivers of this process: each has its own directory of per-sandbox files. */
let driverCounter = 0;
/** Open drivers of this process per instance state directory: the last to close removes it. */
const openStateDirs = new Map<string, number>();

/** What one launch needs beyond the driver's own settings. */
interface BootPlan {
  readonly argv: readonly string[];
  /** The runtime's environment before the driver's own Runtime API variables. */
  readonly env: Readonly<Record<string, string>>;
  readonly memoryMb: number;
  /** hearth:memory-burst: the cgroup's memory limit instead of memoryMb (CPU still follows memoryMb). */
  readonly memoryBurstMb?: number;
  /** hearth:network=internet: outbound internet through slirp4netns. */
  readonly internet: boolean;
  readonly ephemeralStorageMb: number;
  readonly runtimeDir: string;
  readonly hostPaths: readonly string[];
  readonly readOnlyBinds?: SandboxSpec['readOnlyBinds'];
  /** undefined: a pre-started sandbox, whose /var/task and /opt are empty until specialised. */
  readonly code?: { readonly codeDir: string; readonly optDir?: string };
  /** The ES module links (esm-link-dirs.ts); a pre-started sandbox links through ESM_SLOT. */
  readonly esm: EsmLinks;
  /** Serves the sandbox's socket; undefined: a held sandbox, whose server listens when it is taken. */
  readonly listen?: (socket: string) => Promise<void>;
  /** When the /tmp disk and cgroup pools refill after this start (first-answer.ts); now if absent. */
  readonly refillAfter?: Promise<void>;
}

/** Directories every sandbox of this process binds: /etc always, /dev where device nodes work. */
interface SystemViews {
  readonly etcDir: string;
  readonly devDir?: string;
}

export class IsolatedDriver implements SandboxDriver {
  readonly name = 'isolated';
  private readonly instance = instanceName();
  private readonly layout: HostLayout = readHostLayout();
  private viewsReady: Promise<SystemViews> | undefined;
  /** The encoded filter, built once; undefined when disabled or on an architecture without one. */
  private readonly seccomp: Buffer | undefined;
  private readonly launcher: SandboxLauncher;
  private readonly uids: UidPool;
  /** Where the sandboxes' small files go (sandbox-files-root.ts), decided once. */
  private readonly filesRoot = sandboxFilesRoot();
  private readonly socketDir: string;
  /** The init placed in socketDir (initCopy). */
  private placedInit: string | undefined;
  /** undefined: no python3 for the mount helper, so no pool. */
  private readonly mounter: BindMounter | undefined;
  private readonly pool: PrestartPool<PrestartedSandbox>;
  /** /tmp disks of the default EphemeralStorage made ahead (filled from the first start on). */
  private readonly disks: ScratchDiskPool;
  /** Formatted images each /tmp disk is copied from (one per size). */
  private readonly diskTemplates: DiskTemplates;
  /** Where launchers forked by the command runner connect back (undefined: Hearth forks them). */
  private readonly launcherSocket: LauncherSocket | undefined;
  /** Empty cgroups made ahead (filled from the first start on). */
  private readonly cgroupPool: CgroupPool;
  private readonly esm: EsmLinkDirs;
  /** undefined: no init or no mount helper, so every start without the pool launches a new sandbox. */
  private readonly held: HeldSandboxes | undefined;
  /** <stateDir>/<instance>: what this process's sandboxes share and each sandbox's own state. */
  private readonly instanceDir: string;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: IsolatedDriverOptions) {
    this.instanceDir = path.join(options.stateDir, this.instance);
    openStateDirs.set(this.instanceDir, (openStateDirs.get(this.instanceDir) ?? 0) + 1);
    this.esm = new EsmLinkDirs(path.join(this.instanceDir, 'esm'));
    this.uids = options.uids ?? new UidPool();
    this.seccomp = options.seccomp === false ? undefined : seccompProgram();
    this.launcher = new SandboxLauncher({
      inherited: inheritedFds(),
      seccomp: this.seccomp,
      bwrap: options.bwrap ?? '/usr/bin/bwrap',
      network: options.network,
      blocked: blockedDestinations(networkInterfaces()),
      freezeIdle: options.freezeIdle !== false,
      parkingNetwork: options.parkingNetwork,
      init: options.init,
    });
    // Per driver: two drivers of one process (tests) must not share a launcher socket or files.
    this.socketDir = path.join(this.filesRoot, `hearth-${this.instance}`, `d${++driverCounter}`);
    this.launcherSocket =
      options.init !== undefined && commandRunner() !== undefined
        ? new LauncherSocket(path.join(this.socketDir, 'launchers.sock'))
        : undefined;
    this.mounter = createBindMounter();
    this.diskTemplates = new DiskTemplates(path.join(this.instanceDir, 'disk-templates'));
    this.disks = new ScratchDiskPool(
      path.join(this.instanceDir, 'disks'),
      this.diskTemplates,
      sandboxLimits(PRESTART_MEMORY_MB, POOLED_EPHEMERAL_STORAGE_MB).tmpBytes,
      READY_DISKS,
      options.log,
    );
    const idle = sandboxLimits(PRESTART_MEMORY_MB, POOLED_EPHEMERAL_STORAGE_MB);
    this.cgroupPool = new CgroupPool(
      options.cgroups,
      this.instance,
      {
        memoryBytes: idle.memoryBytes,
        pidsMax: idle.pidsMax,
        cpu: cpuQuota(PRESTART_MEMORY_MB, options.hostCores ?? availableParallelism(), 'init', DEFAULT_CPU_POLICY),
      },
      READY_CGROUPS,
      options.log,
      canPark(options.init) ? this.parkingPlan() : undefined,
    );
    this.systemViews().catch((error: unknown) =>
      options.log?.(`WARNING: preparing the sandboxes' /etc: ${String(error)}`),
    );
    if (this.mounter === undefined && (options.poolSize ?? 0) > 0)
      options.log?.('WARNING: no pre-started pool: it needs /usr/bin/python3 for its mount helper');
    this.held =
      options.init !== undefined && this.mounter !== undefined && options.holdSandboxes !== false
        ? new HeldSandboxes((kind) => this.hold(kind), options.log, HELD_PER_KIND)
        : undefined;
    this.pool = new PrestartPool(
      { ...DEFAULT_POOL_SIZING, max: this.mounter === undefined ? 0 : (options.poolSize ?? 0) },
      (generic) => this.prestart(generic),
      options.log,
      Date.now,
      PRESTART_MEMORY_MB,
    );
  }

  /** How parked launchers start: with the init and its command runner, forked by the runner. */
  private parkingPlan(): ParkingPlan {
    const plan = this.launcher.parkingPlan();
    const runner = commandRunner();
    if (runner === undefined || this.launcherSocket === undefined) return plan;
    return { ...plan, viaRunner: { runner, socket: this.launcherSocket } };
  }

  /**
   * The sandboxes' /etc and /dev, made once per process (etc-view.ts, dev-view.ts); a failure is
   * retried by the next start. Without a usable /dev view, bwrap makes each sandbox's /dev.
   */
  private systemViews(): Promise<SystemViews> {
    const dir = this.instanceDir;
    this.viewsReady ??= Promise.all([
      prepareEtcView(path.join(dir, 'etc'), this.layout.etcCopied, this.layout.etcBound),
      prepareDevView(path.join(dir, 'dev')),
    ])
      .then(([etcDir, devDir]) => ({ etcDir, ...(devDir !== undefined ? { devDir } : {}) }))
      .catch((error: unknown) => {
        this.viewsReady = undefined;
        throw error;
      });
    return this.viewsReady;
  }

  /** Removes what dead Hearth processes left behind (call once, before the first start()). */
  async sweep(): Promise<SweepResult> {
    // Hearth versions before sandbox-files-root.ts kept them in the OS temp dir.
    return sweepStale(this.options.cgroups, this.options.stateDir, [...new Set([this.filesRoot, tmpdir()])]);
  }

  async start(spec: SandboxSpec): Promise<SandboxProcess> {
    if (this.options.hearthApi !== undefined) spec.runtimeApi.serveOthers(this.options.hearthApi);
    // What this start takes from the pools is replaced once it answered its first invocation (or failed).
    const first = firstAnswer();
    const ahead = aheadRefusal(spec) === undefined;
    if (this.pool.enabled && ahead && poolRefusal(spec) === undefined) {
      const generic = genericSpec(spec);
      const prestarted = this.pool.take(poolKey(generic), generic, first.refillTime);
      if (prestarted !== undefined && this.mounter !== undefined) {
        const mounter = this.mounter;
        const started = await this.inReady(prestarted, spec, first, 'specialising a pre-started sandbox', (binds) =>
          specialise(prestarted, spec, mounter, this.runtimeApiEnv(), binds),
        );
        if (started !== undefined) return started;
      }
    }
    const held = ahead ? this.held?.take(spec, first.refillTime) : undefined;
    if (held !== undefined && this.mounter !== undefined) {
      const mounter = this.mounter;
      const started = await this.inReady(held, spec, first, 'starting in a held sandbox', (binds) =>
        runHeld(held, spec, mounter, this.runtimeApiEnv(), binds),
      );
      if (started !== undefined) return started;
    }
    const booted = await this.boot({
      argv: spec.argv,
      env: spec.env,
      memoryMb: spec.memoryMb,
      ...(spec.memoryBurstMb !== undefined ? { memoryBurstMb: spec.memoryBurstMb } : {}),
      internet: spec.internet === true,
      ephemeralStorageMb: spec.ephemeralStorageMb,
      runtimeDir: spec.runtimeDir,
      hostPaths: spec.hostPaths,
      ...(spec.readOnlyBinds !== undefined ? { readOnlyBinds: spec.readOnlyBinds } : {}),
      code: { codeDir: spec.codeDir, ...(spec.optDir !== undefined ? { optDir: spec.optDir } : {}) },
      esm: await this.esmLinks(spec),
      listen: (socket) => spec.runtimeApi.listenUnix(socket),
      refillAfter: first.refillTime,
    }).catch((error: unknown) => {
      first.settle();
      throw error;
    });
    return answering(booted.process, first);
  }

  /**
   * Starts the function in a sandbox made ahead (pre-started or held), binding its own ES module
   * links when they differ from the sandbox's; undefined when that failed (logged, and the sandbox
   * destroyed): the caller then makes a new one.
   */
  private async inReady(
    ready: { readonly esmDir: string; destroy(): Promise<void> },
    spec: SandboxSpec,
    first: FirstAnswer,
    what: string,
    run: (esmBinds: SandboxBind[]) => Promise<SandboxProcess>,
  ): Promise<SandboxProcess | undefined> {
    try {
      const esm = await this.esmLinks(spec);
      return answering(await run(esm.dir === ready.esmDir ? [] : [{ source: esm.dir, target: ESM_SLOT }]), first);
    } catch (error) {
      await ready.destroy();
      this.options.log?.(`WARNING: ${what} failed, starting a new one: ${String(error)}`);
      return undefined;
    }
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

  /** Resolves true once a held sandbox of this spec's kind is ready (false: none within the time, or none held here). */
  heldReady(spec: HeldKind, timeoutMs = 10_000): Promise<boolean> {
    return this.held?.whenReady(spec, timeoutMs) ?? Promise.resolve(false);
  }

  /** Counts pre-started sandboxes against the host's room (the worker manager's budget and cap). */
  usePoolRoom(room: PoolRoom): void {
    this.pool.useRoom(room);
  }

  /** Destroys one ready pre-started sandbox, its room given back at once (undefined: none ready). */
  reclaimOne(): Promise<void> | undefined {
    return this.pool.reclaimOne();
  }

  /** Destroys the pre-started and held sandboxes (live ones belong to their environments). Once. */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    await Promise.all([this.pool.close(), this.held?.close()]);
    this.mounter?.close();
    await Promise.all([this.disks.close(), this.cgroupPool.close()]);
    this.launcherSocket?.close();
    // This driver's files (the init's copy, the launcher socket), and the instance's directory
    // once no other driver of this process has files there (else the next start's sweep).
    await rm(this.socketDir, { recursive: true, force: true }).catch(() => undefined);
    await rmdir(path.dirname(this.socketDir)).catch(() => undefined);
    // The instance's own cgroup directories, once nothing of it is left (else the next start's sweep).
    await this.options.cgroups.removeEmptyInstance(this.instance);
    await this.removeInstanceDir();
  }

  /**
   * The instance's state directory (its /etc and /dev views, disk templates, ES module links), by
   * the last driver of this process to close on it, when no sandbox's /tmp disk is still mounted
   * there (a live sandbox: left, with the rest, to the next start's sweep).
   */
  private async removeInstanceDir(): Promise<void> {
    const dir = this.instanceDir;
    const open = (openStateDirs.get(dir) ?? 1) - 1;
    if (open > 0) {
      openStateDirs.set(dir, open);
      return;
    }
    openStateDirs.delete(dir);
    await this.viewsReady?.catch(() => undefined);
    if ((await mountPointsAtOrUnder(dir)).length === 0)
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }

  /** One sandbox of a kind with everything but its function and runtime, its init waiting (held-sandbox.ts). */
  private async hold(kind: HeldKind): Promise<HeldSandbox> {
    this.mounter?.prepare();
    const esm = await this.esmLinks({
      env: {},
      ...(kind.readOnlyBinds !== undefined ? { readOnlyBinds: kind.readOnlyBinds } : {}),
    });
    const booted = await this.boot({
      argv: [],
      env: {},
      memoryMb: PRESTART_MEMORY_MB,
      internet: false,
      ephemeralStorageMb: POOLED_EPHEMERAL_STORAGE_MB,
      runtimeDir: kind.runtimeDir,
      hostPaths: kind.hostPaths,
      ...(kind.readOnlyBinds !== undefined ? { readOnlyBinds: kind.readOnlyBinds } : {}),
      esm,
    });
    const runtime = booted.held;
    const gone = booted.process.exited;
    const ready =
      runtime === undefined
        ? false
        : await Promise.race([
            runtime.ready.then(
              () => true,
              () => false,
            ),
            gone.then(() => false),
            new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
          ]);
    if (runtime === undefined || !ready) {
      await booted.process.destroy();
      throw new Error('the held sandbox did not get ready');
    }
    return { booted, runtime, esmDir: esm.dir, gone, destroy: () => booted.process.destroy() };
  }

  /** One generic sandbox of a kind, started and waiting for its function. */
  private async prestart(generic: GenericSpec): Promise<PrestartedSandbox> {
    this.mounter?.prepare();
    const server = new SpecialisationServer();
    const esm = await this.esmLinks(generic);
    const booted = await this.boot({
      argv: generic.argv,
      env: prestartedEnv(generic.env),
      memoryMb: PRESTART_MEMORY_MB,
      internet: false,
      ephemeralStorageMb: POOLED_EPHEMERAL_STORAGE_MB,
      runtimeDir: generic.runtimeDir,
      hostPaths: generic.hostPaths,
      ...(generic.readOnlyBinds !== undefined ? { readOnlyBinds: generic.readOnlyBinds } : {}),
      esm,
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
      esmDir: esm.dir,
      gone,
      destroy: async () => {
        server.close();
        await booted.process.destroy();
      },
    };
  }

  /** The ES module links of a spec; a pre-started one (no code yet) has no layers. */
  private esmLinks(spec: Pick<SandboxSpec, 'env' | 'readOnlyBinds'> & { optDir?: string }): Promise<EsmLinks> {
    return this.esm.links(esmHostFolders(spec.env, spec.optDir, spec.readOnlyBinds ?? [], 'sandbox'));
  }

  /** AWS_LAMBDA_RUNTIME_API and friends, as every sandbox of this driver sees them. */
  private runtimeApiEnv(): Record<string, string> {
    const env: Record<string, string> = {
      AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${RUNTIME_API_PORT}`,
      [RUNTIME_API_SOCKET_VARIABLE]: SANDBOX_RUNTIME_API_SOCKET,
    };
    if (this.options.hearthApi !== undefined) env['AWS_ENDPOINT_URL'] = `http://127.0.0.1:${RUNTIME_API_PORT}`;
    return env;
  }

  /** The init on the same filesystem as the sandboxes' files, placed once: each sandbox gets a hard link to it. */
  private initCopy(init: string): string {
    if (this.placedInit === undefined) {
      const placed = path.join(this.socketDir, SANDBOX_INIT_NAME);
      mkdirSync(this.socketDir, { recursive: true, mode: 0o711 });
      placeInit(init, placed);
      this.placedInit = placed;
    }
    return this.placedInit;
  }

  private async boot(plan: BootPlan): Promise<Booted & { held?: HeldRuntime }> {
    const uid = this.uids.acquire();
    const gid = uid;
    const short = String(++sandboxCounter);
    const stateDir = path.join(this.instanceDir, short);
    const socketDir = path.join(this.socketDir, short);
    const socket = path.join(socketDir, RUNTIME_API_SOCKET_NAME);
    // Beside the Runtime API directory, not in it (that one is bound into the sandbox).
    const slotsDir = path.join(this.socketDir, `${short}.slots`);
    const slots =
      plan.code === undefined ? { task: path.join(slotsDir, 'task'), opt: path.join(slotsDir, 'opt') } : undefined;
    if (plan.internet && this.options.network === undefined)
      throw new Error(
        'Outbound internet (hearth:network=internet) needs slirp4netns, nsenter and ip on the host (Debian: apt-get install slirp4netns iproute2 util-linux)',
      );
    const limits = sandboxLimits(plan.memoryBurstMb ?? plan.memoryMb, plan.ephemeralStorageMb);
    const hostCores = this.options.hostCores ?? availableParallelism();
    const policy = this.options.cpuPolicy ?? DEFAULT_CPU_POLICY;
    // A taken parked launcher is in its cgroup: removing the cgroup kills it too.
    const held: { cgroup?: SandboxCgroup; disk?: ScratchDisk } = {};
    // Never rejects: what cannot be removed is logged (and swept at the next start). Once only: a
    // start that fails after launching releases through destroy() and again below.
    let released: Promise<void> | undefined;
    const release = (): Promise<void> => (released ??= releaseOnce());
    const releaseOnce = async (): Promise<void> => {
      const warn = (error: unknown): void =>
        this.options.log?.(`WARNING: releasing sandbox ${short}: ${String(error)}`);
      // A pre-started sandbox's code and layers were mounted in its own namespace, which is gone
      // with its processes: nothing of them is on the host.
      await held.cgroup?.remove().catch(warn);
      await rm(socketDir, { recursive: true, force: true }).catch(warn);
      if (slots !== undefined) await rm(slotsDir, { recursive: true, force: true }).catch(warn);
      await held.disk?.remove().catch(warn);
      await rm(stateDir, { recursive: true, force: true }).catch(warn);
      this.uids.release(uid);
    };
    try {
      // The small host-side files are made in place: each is a metadata write of microseconds, where
      // a thread-pool round trip and the event-loop turn after it cost a start ~0.3–1 ms apiece.
      // On a tmpfs where there is one (sandbox-files-root.ts); stateDir, on the data dir's disk, is
      // made only for a /tmp disk of its own (createScratchDisk).
      mkdirSync(socketDir, { recursive: true, mode: 0o711 });
      // The view's /etc/passwd, group (and resolv.conf) link to these.
      const etc: Record<string, string> = {
        ...sandboxEtcFiles(uid, gid),
        ...(plan.internet ? { 'resolv.conf': RESOLV_CONF } : {}),
      };
      for (const [name, contents] of Object.entries(etc))
        writeFileSync(path.join(socketDir, name), contents, { mode: 0o644 });
      // The init, where the sandbox can run it (its Runtime API directory, bound anyway).
      if (this.options.init !== undefined)
        placeInit(this.initCopy(this.options.init), path.join(socketDir, SANDBOX_INIT_NAME));
      // Empty, private directories: specialisation mounts over them inside the sandbox only.
      if (slots !== undefined) for (const slot of [slotsDir, slots.task, slots.opt]) mkdirSync(slot, { mode: 0o755 });
      // Everything independent at once; each resource is held as soon as it exists, and a failure
      // is thrown only once every step settled, so that release() finds all that was made.
      const making = {
        cgroup: this.cgroupPool
          .take(
            short,
            {
              memoryBytes: limits.memoryBytes,
              pidsMax: limits.pidsMax,
              cpu: cpuQuota(plan.memoryMb, hostCores, 'init', policy),
            },
            {
              withoutLauncher: plan.internet,
              ...(plan.refillAfter !== undefined ? { refillAfter: plan.refillAfter } : {}),
            },
          )
          .then(async (taken) => {
            held.cgroup = taken.cgroup;
            if (plan.code === undefined) await taken.cgroup.setCpuWeight('background');
            return taken;
          }),
        disk: this.scratchDisk(stateDir, limits.tmpBytes, uid, gid, plan.refillAfter).then(
          (made) => (held.disk = made),
        ),
        views: this.systemViews(),
        rest: plan.listen?.(socket).then(() => chownSync(socket, uid, gid)),
      };
      const steps = [making.cgroup, making.disk, making.views, making.rest] as const;
      await Promise.allSettled(steps);
      const [{ cgroup, launcher }, disk, views] = await Promise.all(steps);
      const optDir = slots?.opt ?? plan.code?.optDir;
      const esm = esmMounts(plan.esm.links, plan.esm.dir, slots !== undefined);
      const args = bwrapArguments({
        ...(this.options.init !== undefined ? { init: `${SANDBOX_RUNTIME_API_DIR}/${SANDBOX_INIT_NAME}` } : {}),
        setpriv: this.options.setpriv ?? '/usr/bin/setpriv',
        uid,
        gid,
        argv: plan.argv,
        env: { ...plan.env, ...this.runtimeApiEnv() },
        codeDir: slots?.task ?? plan.code?.codeDir ?? '',
        runtimeDir: plan.runtimeDir,
        ...(optDir !== undefined ? { optDir } : {}),
        esmLinks: esm.links,
        hostPaths: plan.hostPaths,
        readOnlyBinds: [...(plan.readOnlyBinds ?? []), ...esm.binds],
        systemRoots: this.layout.systemRoots,
        ...views,
        etcBound: this.layout.etcBound,
        tmpDir: disk.mountPoint,
        runtimeApiDir: socketDir,
        ...(this.options.socat !== undefined ? { socat: this.options.socat } : {}),
        ...(this.seccomp !== undefined ? { seccompFd: SECCOMP_FD } : {}),
        ...(plan.internet ? { waitForNetwork: { infoFd: INFO_FD, blockFd: BLOCK_FD } } : {}),
        ...(launcher?.ownNetwork === true ? { launcherNetwork: true } : {}),
      });
      const quota = { memoryMb: plan.memoryMb };
      const [process, network, waiting] = this.launcher.launch(
        cgroup,
        launcher,
        limits.nofile,
        args,
        release,
        plan.internet,
        () => cgroup.setCpu(cpuQuota(quota.memoryMb, hostCores, 'invoke', policy)),
        plan.argv.length === 0,
      );
      if (network !== undefined)
        await network.catch(async (error: unknown) => {
          await process.destroy();
          throw error;
        });
      return { process, cgroup, uid, stateDir, socket, quota, ...(waiting !== undefined ? { held: waiting } : {}) };
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
  }

  /** A /tmp disk made ahead when one of this size is ready, else a new one. */
  private async scratchDisk(
    stateDir: string,
    bytes: number,
    uid: number,
    gid: number,
    refillAfter: Promise<void> | undefined,
  ): Promise<ScratchDisk> {
    const ready = bytes === this.disks.capacityBytes ? await this.disks.take(uid, gid, refillAfter) : undefined;
    return ready ?? createScratchDisk(stateDir, bytes, uid, gid, this.diskTemplates);
  }
}
