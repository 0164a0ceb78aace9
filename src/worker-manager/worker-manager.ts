// The worker manager: hands out a sandbox for one invocation — warm if an idle one of the exact
// key exists, else a new one on the host placement picks — and takes it back, in one scoped block
// (withSandbox), so a lease cannot leak (LocalStack's assignment service, OpenWhisk's pool).
// Keep-alive: one sweep timer destroys sandboxes idle for `idleTimeoutSeconds`. A revision change
// or retire(name) ends a function's on-demand sandboxes; shutdown() ends all of them.
// Provisioned concurrency: provision(target) keeps a configuration's sandboxes initialised ahead
// of any invoke (provisioned-fleet.ts); they serve first and never expire.
// Capacity: a new sandbox needs room in the host's sandbox memory budget and under the count cap
// (capacity-plan.ts decides, evicting idle on-demand sandboxes least valuable first); a new
// on-demand sandbox also needs a token of its function's scaling rate (scaling-rate.ts). Without
// room the invocation waits in a bounded queue (capacity-queue.ts) and is throttled past the wait.
// A grant is decided and recorded in one synchronous step (tryGrant), so a burst cannot overcommit.
import type { FunctionRecord } from '../control-plane/function-record.js';
import type { Placement } from '../placement/placement.js';
import type { PoolReclaim, PoolRoom } from '../sandbox/pool/pool-room.js';
import type { ExecutionEnvironment } from '../sandbox/execution-environment.js';
import { createEnvironment, type EnvironmentFactoryDeps } from './environment-factory.js';
import { keyOf, ProvisionedFleet, type ProvisionTarget } from './provisioned-fleet.js';
import type { ProvisionedState } from './provisioned-plan.js';
import { CapacityQueue } from './capacity-queue.js';
import { decideRoom } from './capacity-plan.js';
import { MemoryBudget } from './memory-budget.js';
import { isFull, takeToken, type Bucket } from './scaling-rate.js';
import {
  evictionCandidates,
  selectExpired,
  selectStale,
  selectWarm,
  WarmPool,
  type PoolEntry,
  type SandboxKey,
} from './warm-pool.js';

export const DEFAULT_MAX_SANDBOXES = 64;
/** Defaults match config.ts; a worker manager made without a budget (tests) has a practically unlimited one. */
export const DEFAULT_QUEUE_LENGTH = 100;
export const DEFAULT_QUEUE_WAIT_MS = 2000;
export const DEFAULT_SCALING_RATE = 1000;
/** Retry-After of a capacity throttle: room usually appears within a second (a release, a teardown). */
const CAPACITY_RETRY_AFTER_SECONDS = 1;

export interface WorkerManagerDeps extends EnvironmentFactoryDeps {
  readonly placement: Placement;
  readonly idleTimeoutSeconds: number;
  /** Most sandboxes at once on this host (HEARTH_MAX_SANDBOXES). */
  readonly maxSandboxes?: number;
  /** Memory all sandboxes together may be granted (HEARTH_SANDBOX_MEMORY_MB). */
  readonly sandboxMemoryMb?: number;
  /** Most invocations waiting for room at once (HEARTH_QUEUE_LENGTH). */
  readonly queueLength?: number;
  /** Longest wait for room before a 429 (HEARTH_QUEUE_WAIT_MS). */
  readonly queueWaitMs?: number;
  /** New on-demand sandboxes per function per 10 s (HEARTH_SCALING_RATE). */
  readonly scalingRate?: number;
  readonly metrics?: CapacityMetrics;
  /** The driver's pre-started pool, whose sandboxes hold room too (poolRoom()) and give it back first. */
  readonly pool?: PoolReclaim;
  readonly now?: () => number;
}

/** What the worker manager reports about capacity (wired to observability/metrics.ts in main.ts). */
export interface CapacityMetrics {
  /** A waiter left the queue: served (room appeared) or throttled (waited too long, or shut down). */
  queueWait(seconds: number, outcome: 'served' | 'throttled'): void;
  evicted(): void;
  throttled(cause: ThrottleCause): void;
}

/** capacity: no room on the host (even after waiting); scaling-rate: the function scales too fast. */
export type ThrottleCause = 'capacity' | 'scaling-rate';

export type Lease<T> =
  | { readonly kind: 'ran'; readonly value: T; readonly coldStart: boolean }
  | { readonly kind: 'throttled'; readonly cause: ThrottleCause; readonly retryAfterSeconds: number }
  /** The function's MemorySize is larger than the whole sandbox memory budget: it can never run here. */
  | { readonly kind: 'unfit'; readonly memoryMb: number; readonly budgetMb: number };

export interface CapacityState {
  readonly budgetMb: number;
  readonly reservedMb: number;
  /** Execution environments (starting, idle and busy). */
  readonly sandboxes: number;
  /** Pre-started sandboxes of the driver's pool (only with one); their room is in reservedMb, and they count against the cap. */
  readonly prestarted?: number;
  readonly queued: number;
}

type Entry = PoolEntry<ExecutionEnvironment>;

/** The outcome of asking for room: a warm sandbox, leave to create one, or a refusal. */
type Grant =
  | { readonly kind: 'warm'; readonly entry: Entry }
  /** Memory is reserved; start the sandbox once `before` (teardowns under way) has settled. */
  | { readonly kind: 'create'; readonly before: Promise<unknown> }
  | { readonly kind: 'throttled'; readonly cause: ThrottleCause; readonly retryAfterSeconds: number }
  | { readonly kind: 'unfit' };

/** An invocation waiting for room. */
interface RoomRequest {
  readonly fn: FunctionRecord;
  readonly key: SandboxKey;
}

/** Provisioned.StatusReason when the function's init fails (as Lambda reports it). */
export const INIT_FAILURE_REASON = 'FUNCTION_ERROR_INIT_FAILURE';

export class WorkerManager {
  private readonly pool = new WarmPool<ExecutionEnvironment>();
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly maxSandboxes: number;
  private readonly idleTimeoutMs: number;
  private readonly now: () => number;
  private stopped = false;
  /** Teardowns under way, awaited by shutdown() so nothing outlives Hearth. */
  private readonly teardowns = new Set<Promise<void>>();
  /**
   * The same sandboxes until every process of theirs was killed (none runs or allocates again):
   * what a start that took their room waits for. Their exit and an isolated sandbox's cgroup and
   * /tmp disk are released beside the new start (tens of milliseconds: see docs/capacity.md).
   */
  private readonly departures = new Set<Promise<void>>();
  /** Sandboxes granted room but not in the pool yet; they count against the cap and the budget. */
  private creating = 0;
  /** Pre-started sandboxes of the driver's pool (poolRoom()); they count against the cap and the budget. */
  private prestarted = 0;
  private readonly fleet: ProvisionedFleet<ExecutionEnvironment>;
  private readonly budget: MemoryBudget;
  private readonly queue: CapacityQueue<RoomRequest, Grant>;
  private readonly scalingRate: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly deps: WorkerManagerDeps) {
    this.maxSandboxes = deps.maxSandboxes ?? DEFAULT_MAX_SANDBOXES;
    this.budget = new MemoryBudget(deps.sandboxMemoryMb ?? Number.MAX_SAFE_INTEGER);
    this.now = deps.now ?? Date.now;
    this.queue = new CapacityQueue({
      limits: {
        maxLength: deps.queueLength ?? DEFAULT_QUEUE_LENGTH,
        maxWaitMs: deps.queueWaitMs ?? DEFAULT_QUEUE_WAIT_MS,
      },
      tryServe: (request) => this.tryGrant(request.fn, request.key, true),
      refusal: () => ({ kind: 'throttled', cause: 'capacity', retryAfterSeconds: CAPACITY_RETRY_AFTER_SECONDS }),
      onLeave: (waitedMs, grant) =>
        deps.metrics?.queueWait(waitedMs / 1000, grant.kind === 'throttled' ? 'throttled' : 'served'),
      now: this.now,
    });
    this.scalingRate = deps.scalingRate ?? DEFAULT_SCALING_RATE;
    this.idleTimeoutMs = deps.idleTimeoutSeconds * 1000;
    const sweepEveryMs = Math.min(30_000, Math.max(10, this.idleTimeoutMs / 4));
    this.sweepTimer = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweepTimer.unref();
    this.fleet = new ProvisionedFleet({
      entriesFor: (id) => this.pool.all().filter((entry) => entry.provisionedFor === id),
      startProvisioned: (fn, codeDir, id) => this.startProvisioned(fn, codeDir, id),
      letGo: (entry) => void this.retireEntries([entry]),
      isInitialised: (sandbox) => sandbox.state === 'idle' || sandbox.state === 'busy',
    });
  }

  /** Number of sandboxes on this host (starting, idle and busy). */
  get size(): number {
    return this.pool.size;
  }

  /** Number of sandboxes of one function (starting, idle and busy). */
  countOf(functionName: string): number {
    return this.pool.entriesOf(functionName).length;
  }

  /** The memory budget, what is granted of it, and who waits (metrics, tests). */
  capacity(): CapacityState {
    return {
      budgetMb: this.budget.totalMb,
      reservedMb: this.budget.reservedMb,
      sandboxes: this.pool.size + this.creating,
      ...(this.deps.pool !== undefined ? { prestarted: this.prestarted } : {}),
      queued: this.queue.length,
    };
  }

  /**
   * The room pre-started sandboxes take: given only when it is free now, nobody waits for room, and
   * as much again stays free (a pre-start never evicts or delays a real start); taken back before
   * anything is evicted.
   */
  poolRoom(): PoolRoom {
    return {
      reserve: (memoryMb) => {
        if (this.stopped || this.queue.length > 0) return false;
        // Never the last room: a start that comes then fits at once, without reclaiming anything.
        if (2 * memoryMb > this.budget.freeMb || this.count() + 2 > this.maxSandboxes) return false;
        this.budget.reserve(memoryMb);
        this.prestarted += 1;
        return true;
      },
      release: (memoryMb) => {
        this.budget.release(memoryMb);
        this.prestarted -= 1;
        this.queue.offer();
      },
      readied: () => this.queue.offer(),
    };
  }

  /** Runs `use` with a sandbox of this function's exact revision, then takes the sandbox back. */
  async withSandbox<T>(
    fn: FunctionRecord,
    codeDir: string,
    use: (env: ExecutionEnvironment) => Promise<T>,
  ): Promise<Lease<T>> {
    if (this.stopped) throw new Error('The worker manager is shut down');
    const key = keyOf(fn);
    const entries = this.pool.entriesOf(fn.name);
    if (selectWarm(entries, key) === undefined) {
      // Provisioned sandboxes are the fleet's to replace (the control plane re-provisions on change).
      void this.retireEntries(selectStale(entries, key).filter((stale) => stale.provisionedFor === undefined));
    }
    const grant = this.tryGrant(fn, key, true) ?? (await this.queue.wait({ fn, key }));
    let entry: Entry;
    switch (grant.kind) {
      case 'unfit':
        return { kind: 'unfit', memoryMb: fn.memorySize, budgetMb: this.budget.totalMb };
      case 'throttled':
        this.deps.metrics?.throttled(grant.cause);
        return { kind: 'throttled', cause: grant.cause, retryAfterSeconds: grant.retryAfterSeconds };
      case 'warm':
        entry = grant.entry;
        break;
      case 'create':
        entry = await this.create(fn, codeDir, key, grant.before);
        break;
      default: {
        const never: never = grant;
        throw new Error(`unknown grant ${JSON.stringify(never)}`);
      }
    }
    try {
      return { kind: 'ran', value: await use(entry.sandbox), coldStart: grant.kind === 'create' };
    } finally {
      this.release(entry);
    }
  }

  /** Ends every on-demand sandbox of a function (its code or configuration changed, or it was
   *  deleted); provisioned ones stay until their target lets go. Busy ones finish first. */
  async retire(functionName: string): Promise<void> {
    await this.retireEntries(this.pool.entriesOf(functionName).filter((entry) => entry.provisionedFor === undefined));
  }

  /** Keeps `target.requested` sandboxes initialised for a provisioned concurrency configuration. */
  provision(target: ProvisionTarget): void {
    this.fleet.provision(target);
  }

  /** Stops keeping sandboxes for a configuration (deleted, or its function is gone). */
  unprovision(id: string): void {
    this.fleet.unprovision(id);
  }

  /** The provisioned targets of one function. */
  provisionedIdsOf(functionName: string): string[] {
    return this.fleet.idsOf(functionName);
  }

  /** Status and counts of a provisioned target; undefined when there is none. */
  provisionedState(id: string): ProvisionedState | undefined {
    return this.fleet.state(id);
  }

  /** Resolves when no provisioned target is being filled. */
  provisioningSettled(): Promise<void> {
    return this.fleet.settled();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.fleet.stop();
    clearInterval(this.sweepTimer);
    this.queue.close();
    await Promise.all(this.pool.all().map((entry) => this.discard(entry)));
    // Sandboxes discarded earlier may still be tearing down (unmounting /tmp, removing cgroups).
    await Promise.all([...this.teardowns]);
  }

  /** One sandbox for a provisioned target, initialised before it serves; undefined or why it failed. */
  private async startProvisioned(fn: FunctionRecord, codeDir: string, id: string): Promise<string | undefined> {
    const grant = this.tryGrant(fn, keyOf(fn), false);
    if (grant === undefined || grant.kind !== 'create') {
      return `No room for another execution environment on this host (sandbox memory budget ${this.budget.totalMb} MB, HEARTH_SANDBOX_MEMORY_MB; at most ${this.maxSandboxes} sandboxes, HEARTH_MAX_SANDBOXES).`;
    }
    let entry: Entry;
    try {
      entry = await this.create(fn, codeDir, keyOf(fn), grant.before, id);
    } catch (error) {
      return `Hearth could not start an execution environment: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (entry.sandbox.state !== 'idle') {
      this.takeOut(entry); // init failed; the sandbox is destroying itself
      return INIT_FAILURE_REASON;
    }
    this.release(entry);
    return undefined;
  }

  /**
   * Room for one sandbox of `fn`, decided and recorded in one synchronous step: an idle sandbox of
   * the exact key (on-demand callers), else memory and a slot (evicting idle sandboxes if need be),
   * else undefined (wait). On-demand sandboxes also take a token of the function's scaling rate.
   */
  private tryGrant(fn: FunctionRecord, key: SandboxKey, onDemand: boolean): Grant | undefined {
    if (onDemand) {
      const warm = selectWarm(this.pool.entriesOf(fn.name), key);
      if (warm !== undefined) {
        warm.busy = true;
        return { kind: 'warm', entry: warm };
      }
    }
    const now = this.now();
    this.reclaimPrestarted(fn.memorySize);
    const room = decideRoom({
      needMb: fn.memorySize,
      budgetMb: this.budget.totalMb,
      reservedMb: this.budget.reservedMb,
      count: this.count(),
      maxCount: this.maxSandboxes,
      candidates: evictionCandidates(this.pool.all(), now),
    });
    if (room.kind === 'never') return { kind: 'unfit' };
    if (room.kind === 'wait') return undefined;
    if (onDemand) {
      const take = takeToken(this.buckets.get(fn.name), now, this.scalingRate);
      this.buckets.set(fn.name, take.bucket);
      if (!take.taken) {
        return {
          kind: 'throttled',
          cause: 'scaling-rate',
          retryAfterSeconds: Math.max(1, Math.ceil(take.waitMs / 1000)),
        };
      }
    }
    if (room.kind === 'evict') {
      for (const victim of room.victims) {
        void this.discard(victim);
        this.deps.metrics?.evicted();
      }
    }
    this.budget.reserve(fn.memorySize);
    this.creating += 1;
    // Evicted sandboxes' memory is granted already; their processes must be killed before this starts.
    return { kind: 'create', before: Promise.all([...this.departures]) };
  }

  /** Sandboxes holding room: in the pool, being created, and pre-started by the driver. */
  private count(): number {
    return this.pool.size + this.creating + this.prestarted;
  }

  /** Pre-started sandboxes give their room back (the cheapest to lose) until `needMb` fits. */
  private reclaimPrestarted(needMb: number): void {
    if (needMb > this.budget.totalMb) return;
    while (this.prestarted > 0 && (needMb > this.budget.freeMb || this.count() >= this.maxSandboxes)) {
      const gone = this.deps.pool?.reclaimOne();
      if (gone === undefined) return;
      // Its process must be gone before the sandbox that takes its room starts.
      track(this.teardowns, gone);
      track(this.departures, gone);
    }
  }

  /** Starts a sandbox whose room tryGrant reserved (memory and a slot); gives the room back if it cannot. */
  private async create(
    fn: FunctionRecord,
    codeDir: string,
    key: SandboxKey,
    before: Promise<unknown>,
    provisionedFor?: string,
  ): Promise<Entry> {
    const created: { entry?: Entry } = {};
    let sandbox: ExecutionEnvironment;
    try {
      await before;
      if (this.stopped) throw new Error('The worker manager is shut down');
      const { driver } = this.deps.placement.place({ functionName: fn.name, memoryMb: fn.memorySize });
      // A sandbox that dies on its own (crash while idle, timeout) leaves the pool at once.
      sandbox = await createEnvironment(
        fn,
        codeDir,
        driver,
        this.deps,
        () => {
          if (created.entry !== undefined) this.takeOut(created.entry);
        },
        provisionedFor === undefined ? 'on-demand' : 'provisioned-concurrency',
      );
    } catch (error) {
      this.creating -= 1;
      this.budget.release(fn.memorySize);
      this.queue.offer();
      throw error;
    }
    this.creating -= 1;
    const entry: Entry = {
      key,
      sandbox,
      busy: true,
      lastUsedAt: this.now(),
      retired: false,
      provisionedFor,
      memoryMb: fn.memorySize,
      initCostMs: 0,
    };
    created.entry = entry;
    this.pool.add(entry);
    const startedAt = performance.now();
    try {
      await sandbox.start();
    } catch (error) {
      this.takeOut(entry);
      throw error;
    }
    entry.initCostMs = performance.now() - startedAt;
    return entry;
  }

  private release(entry: Entry): void {
    entry.busy = false;
    entry.lastUsedAt = this.now();
    if (entry.retired || this.stopped || entry.sandbox.state !== 'idle') void this.discard(entry);
    else this.queue.offer(); // a waiter of this key takes it warm; others may evict it
  }

  private retireEntries(entries: readonly Entry[]): Promise<void> {
    const idle: Promise<void>[] = [];
    for (const entry of entries) {
      entry.retired = true;
      if (!entry.busy) idle.push(this.discard(entry));
    }
    return Promise.all(idle).then(() => undefined);
  }

  private discard(entry: Entry): Promise<void> {
    this.takeOut(entry);
    // Tearing down is best effort: a sandbox that fails to clean up must not fail an invocation.
    const teardown = entry.sandbox.destroy().catch(() => undefined);
    track(this.teardowns, teardown);
    track(
      this.departures,
      entry.sandbox.destroyProcesses().catch(() => undefined),
    );
    return teardown;
  }

  /**
   * Takes an entry out of the pool and gives its memory back (once: false when it was gone); a
   * provisioned target that lost one starts a replacement if it wants one.
   */
  private takeOut(entry: Entry): boolean {
    if (!this.pool.remove(entry)) return false;
    this.budget.release(entry.memoryMb);
    if (entry.provisionedFor !== undefined) this.fleet.refill(entry.provisionedFor, !entry.retired && !this.stopped);
    this.queue.offer();
    return true;
  }

  private sweep(): void {
    const now = this.now();
    for (const entry of selectExpired(this.pool.all(), now, this.idleTimeoutMs)) void this.discard(entry);
    for (const [name, bucket] of this.buckets) if (isFull(bucket, now, this.scalingRate)) this.buckets.delete(name);
  }
}

/** Holds `work` in `set` until it settles. */
function track(set: Set<Promise<void>>, work: Promise<void>): void {
  set.add(work);
  void work.then(() => set.delete(work));
}
