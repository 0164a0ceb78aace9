// Provisioned concurrency on this host: for each configuration (a target), keep its N sandboxes
// started and initialised ahead of any invoke, replace one that dies, let go of the ones it no
// longer wants (count lowered, alias moved to another version, configuration deleted), and report
// IN_PROGRESS → READY, or FAILED with the reason when an environment cannot be initialised.
// The decisions are pure (provisioned-plan.ts); the worker manager owns the sandboxes (FleetHost).
import type { FunctionRecord } from '../control-plane/function-record.js';
import { planFleet, provisionedState, type KeyCount, type ProvisionedState } from './provisioned-plan.js';
import { sameKey, type PoolEntry, type SandboxKey } from './warm-pool.js';

/** How many environments of one target initialise at once (2-core hosts: more only thrash). */
const PARALLEL_STARTS = 4;
/** Environments that die this often are not replaced again: a crash loop must not fork forever. */
const MAX_LOSSES = 10;
const LOSS_WINDOW_MS = 60_000;
export const CRASH_LOOP_REASON = `Execution environments kept exiting (${MAX_LOSSES} within ${LOSS_WINDOW_MS / 1000} s); put the configuration again to retry.`;

export interface ProvisionedAllocation {
  /** An Active published version. */
  readonly fn: FunctionRecord;
  readonly codeDir: string;
  readonly count: number;
}

export interface ProvisionTarget {
  /** `function:qualifier`. */
  readonly id: string;
  readonly requested: number;
  /** Empty while a version it names is not Active yet. */
  readonly allocations: readonly ProvisionedAllocation[];
  /** Changes when the configuration is put again; a FAILED target then tries again. */
  readonly generation: string;
}

/** What the fleet needs from the worker manager. */
export interface FleetHost<T> {
  /** The sandboxes kept for a target, starting ones included. */
  entriesFor(id: string): PoolEntry<T>[];
  /** Starts and initialises one sandbox for the target; resolves to why it failed, or undefined. */
  startProvisioned(fn: FunctionRecord, codeDir: string, id: string): Promise<string | undefined>;
  /** Stops keeping a sandbox: an idle one ends now, a busy one after its invocation. */
  letGo(entry: PoolEntry<T>): void;
  isInitialised(sandbox: T): boolean;
}

interface TargetState {
  target: ProvisionTarget;
  failure: string | undefined;
  running: Promise<void> | undefined;
  again: boolean;
  /** When kept sandboxes died on their own (crash, timeout), newest last. */
  losses: number[];
}

export function keyOf(fn: FunctionRecord): SandboxKey {
  return { functionName: fn.name, version: fn.version, revisionId: fn.revisionId };
}

export class ProvisionedFleet<T> {
  private readonly targets = new Map<string, TargetState>();
  private stopped = false;

  constructor(private readonly host: FleetHost<T>) {}

  /** Creates or updates a target and starts filling it. */
  provision(target: ProvisionTarget): void {
    if (this.stopped) return;
    const existing = this.targets.get(target.id);
    const same = existing !== undefined && sameTarget(existing.target, target);
    const state: TargetState = existing ?? { target, failure: undefined, running: undefined, again: false, losses: [] };
    state.target = target;
    if (!same) {
      state.failure = undefined;
      state.losses = [];
    }
    this.targets.set(target.id, state);
    this.fill(state);
  }

  /** Forgets a target and lets go of its sandboxes. */
  unprovision(id: string): void {
    this.targets.delete(id);
    for (const entry of this.host.entriesFor(id)) this.host.letGo(entry);
  }

  /** Targets of one function. */
  idsOf(functionName: string): string[] {
    return [...this.targets.values()]
      .filter((state) => state.target.id.startsWith(`${functionName}:`))
      .map((state) => state.target.id);
  }

  state(id: string): ProvisionedState | undefined {
    const state = this.targets.get(id);
    if (state === undefined) return undefined;
    // Allocated: every initialised sandbox still held, a let-go one finishing its invocation included.
    const initialised = this.host.entriesFor(id).filter((e) => this.host.isInitialised(e.sandbox));
    const current = initialised.filter(
      (e) => !e.retired && state.target.allocations.some((a) => sameKey(keyOf(a.fn), e.key)),
    );
    return provisionedState(state.target.requested, current.length, initialised.length, state.failure);
  }

  /**
   * A kept sandbox is gone: start a replacement if its target still wants one. `lost`: it died on
   * its own rather than being let go; too many of those in a while and the target is FAILED.
   */
  refill(id: string, lost: boolean, now = Date.now()): void {
    const state = this.targets.get(id);
    if (state === undefined) return;
    if (lost) {
      state.losses = [...state.losses.filter((at) => now - at < LOSS_WINDOW_MS), now];
      if (state.losses.length >= MAX_LOSSES) state.failure ??= CRASH_LOOP_REASON;
    }
    this.fill(state);
  }

  /** Resolves when no target is being filled (tests, shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const running = [...this.targets.values()].map((state) => state.running).filter((r) => r !== undefined);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  stop(): void {
    this.stopped = true;
    this.targets.clear();
  }

  private fill(state: TargetState): void {
    if (state.running !== undefined) {
      state.again = true;
      return;
    }
    state.running = (async () => {
      do {
        state.again = false;
        await this.run(state);
      } while (state.again && this.isCurrent(state));
    })().finally(() => {
      state.running = undefined;
    });
  }

  /** Plans, lets go, starts a batch; again until nothing is missing or allocation failed. */
  private async run(state: TargetState): Promise<void> {
    while (this.isCurrent(state) && state.failure === undefined) {
      const { target } = state;
      const desired: KeyCount[] = target.allocations.map((a) => ({ key: keyOf(a.fn), count: a.count }));
      const plan = planFleet(desired, this.host.entriesFor(target.id));
      for (const entry of plan.release) this.host.letGo(entry);
      const starts: ProvisionedAllocation[] = [];
      for (const missing of plan.start) {
        const allocation = target.allocations.find((a) => sameKey(keyOf(a.fn), missing.key));
        for (let i = 0; allocation !== undefined && i < missing.count; i += 1) starts.push(allocation);
      }
      if (starts.length === 0) return;
      const batch = starts.slice(0, PARALLEL_STARTS);
      const failures = await Promise.all(batch.map((a) => this.host.startProvisioned(a.fn, a.codeDir, target.id)));
      const failure = failures.find((reason) => reason !== undefined);
      if (failure !== undefined && state.target === target && this.isCurrent(state)) state.failure = failure;
    }
  }

  private isCurrent(state: TargetState): boolean {
    return !this.stopped && this.targets.get(state.target.id) === state;
  }
}

function sameTarget(a: ProvisionTarget, b: ProvisionTarget): boolean {
  return (
    a.generation === b.generation &&
    a.requested === b.requested &&
    a.allocations.length === b.allocations.length &&
    a.allocations.every((x, i) => {
      const y = b.allocations[i];
      return y !== undefined && x.count === y.count && sameKey(keyOf(x.fn), keyOf(y.fn));
    })
  );
}
