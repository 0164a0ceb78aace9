// The worker manager: hands out a sandbox for one invocation — warm if an idle one of the exact
// key exists, else a new one on the host placement picks — and takes it back, in one scoped block
// (withSandbox), so a lease cannot leak (LocalStack's assignment service, OpenWhisk's pool).
// Keep-alive: one sweep timer destroys sandboxes idle for `idleTimeoutSeconds`. A revision change
// or retire(name) ends a function's sandboxes; shutdown() ends all of them.
import type { FunctionRecord } from '../control-plane/function-record.js';
import type { Placement } from '../placement/placement.js';
import type { ExecutionEnvironment } from '../sandbox/execution-environment.js';
import { createEnvironment, type EnvironmentFactoryDeps } from './environment-factory.js';
import {
  decideCapacity,
  selectEvictionVictim,
  selectExpired,
  selectStale,
  selectWarm,
  WarmPool,
  type PoolEntry,
  type SandboxKey,
} from './warm-pool.js';

export const DEFAULT_MAX_SANDBOXES = 64;

export interface WorkerManagerDeps extends EnvironmentFactoryDeps {
  readonly placement: Placement;
  readonly idleTimeoutSeconds: number;
  readonly maxSandboxes?: number;
  readonly now?: () => number;
}

export type Lease<T> =
  | { readonly kind: 'ran'; readonly value: T; readonly coldStart: boolean }
  | { readonly kind: 'throttled'; readonly reason: 'ConcurrentInvocationLimitExceeded' };

type Entry = PoolEntry<ExecutionEnvironment>;

export class WorkerManager {
  private readonly pool = new WarmPool<ExecutionEnvironment>();
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly maxSandboxes: number;
  private readonly idleTimeoutMs: number;
  private readonly now: () => number;
  private stopped = false;
  /** Teardowns under way, awaited by shutdown() so nothing outlives Hearth. */
  private readonly teardowns = new Set<Promise<void>>();
  /** Sandboxes being created but not in the pool yet; they count against the cap. */
  private creating = 0;

  constructor(private readonly deps: WorkerManagerDeps) {
    this.maxSandboxes = deps.maxSandboxes ?? DEFAULT_MAX_SANDBOXES;
    this.idleTimeoutMs = deps.idleTimeoutSeconds * 1000;
    this.now = deps.now ?? Date.now;
    const sweepEveryMs = Math.min(30_000, Math.max(10, this.idleTimeoutMs / 4));
    this.sweepTimer = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweepTimer.unref();
  }

  /** Number of sandboxes on this host (starting, idle and busy). */
  get size(): number {
    return this.pool.size;
  }

  /** Number of sandboxes of one function (starting, idle and busy). */
  countOf(functionName: string): number {
    return this.pool.entriesOf(functionName).length;
  }

  /** Runs `use` with a sandbox of this function's exact revision, then takes the sandbox back. */
  async withSandbox<T>(
    fn: FunctionRecord,
    codeDir: string,
    use: (env: ExecutionEnvironment) => Promise<T>,
  ): Promise<Lease<T>> {
    if (this.stopped) throw new Error('The worker manager is shut down');
    const key: SandboxKey = { functionName: fn.name, version: fn.version, revisionId: fn.revisionId };
    const entries = this.pool.entriesOf(fn.name);
    let entry = selectWarm(entries, key);
    const coldStart = entry === undefined;
    if (entry === undefined) {
      void this.retireEntries(selectStale(entries, key));
      const created = await this.create(fn, codeDir, key);
      if (created === undefined) return { kind: 'throttled', reason: 'ConcurrentInvocationLimitExceeded' };
      entry = created;
    } else {
      entry.busy = true;
    }
    try {
      return { kind: 'ran', value: await use(entry.sandbox), coldStart };
    } finally {
      this.release(entry);
    }
  }

  /** Ends every sandbox of a function (its code or configuration changed, or it was deleted).
   *  Busy ones finish their invocation first. */
  async retire(functionName: string): Promise<void> {
    await this.retireEntries([...this.pool.entriesOf(functionName)]);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    await Promise.all(this.pool.all().map((entry) => this.discard(entry)));
    // Sandboxes discarded earlier may still be tearing down (unmounting /tmp, removing cgroups).
    await Promise.all([...this.teardowns]);
  }

  private async create(fn: FunctionRecord, codeDir: string, key: SandboxKey): Promise<Entry | undefined> {
    const decision = decideCapacity(
      this.pool.size + this.creating,
      this.maxSandboxes,
      selectEvictionVictim(this.pool.all()) !== undefined,
    );
    if (decision === 'throttle') return undefined;
    if (decision === 'evict-then-create') {
      const victim = selectEvictionVictim(this.pool.all());
      if (victim !== undefined) void this.discard(victim);
    }
    const { driver } = this.deps.placement.place({ functionName: fn.name, memoryMb: fn.memorySize });
    const created: { entry?: Entry } = {};
    this.creating += 1;
    let sandbox: ExecutionEnvironment;
    try {
      // A sandbox that dies on its own (crash while idle, timeout) leaves the pool at once.
      sandbox = await createEnvironment(fn, codeDir, driver, this.deps, () => {
        if (created.entry !== undefined) this.pool.remove(created.entry);
      });
    } finally {
      this.creating -= 1;
    }
    const entry: Entry = { key, sandbox, busy: true, lastUsedAt: this.now(), retired: false };
    created.entry = entry;
    this.pool.add(entry);
    try {
      await sandbox.start();
    } catch (error) {
      this.pool.remove(entry);
      throw error;
    }
    return entry;
  }

  private release(entry: Entry): void {
    entry.busy = false;
    entry.lastUsedAt = this.now();
    if (entry.retired || this.stopped || entry.sandbox.state !== 'idle') void this.discard(entry);
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
    this.pool.remove(entry);
    // Tearing down is best effort: a sandbox that fails to clean up must not fail an invocation.
    const teardown = entry.sandbox.destroy().catch(() => undefined);
    this.teardowns.add(teardown);
    void teardown.then(() => this.teardowns.delete(teardown));
    return teardown;
  }

  private sweep(): void {
    for (const entry of selectExpired(this.pool.all(), this.now(), this.idleTimeoutMs)) void this.discard(entry);
  }
}
