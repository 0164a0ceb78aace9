// The pre-started pool (issue 3 item 5): for each kind of sandbox (pool-key.ts), generic runtime
// processes started ahead, handed out at most once each, refilled in the background one at a time
// (so refills never crowd out the starts they exist for), and sized by recent demand
// (pool-sizing.ts). It knows nothing of bwrap: `prestart` makes one ready sandbox of a kind.
// Every pre-started sandbox, from the moment its start is decided until it is destroyed or handed
// out, holds room from the host's budget (pool-room.ts); without room, no pre-start.
import { poolTarget, pruneDemand, type PoolSizing } from './pool-sizing.js';
import type { GenericSpec } from './pool-key.js';
import type { PoolReclaim, PoolRoom } from './pool-room.js';

/** A pre-started sandbox as the pool sees it. */
export interface PoolMember {
  /** Resolves if it dies while waiting in the pool. */
  readonly gone: Promise<unknown>;
  destroy(): Promise<void>;
}

interface Kind<T> {
  readonly generic: GenericSpec;
  readonly ready: T[];
  demand: number[];
  starting: number;
  /** Hand-outs whose refill waits for their start to initialise (the kind is kept meanwhile). */
  deferred: number;
  /** Set after a failed pre-start: no refill until the next demand. */
  failed: boolean;
}

/** A pre-start under way; `cancelled`: its room was given back, and it is destroyed once started. */
interface Pending {
  cancelled: boolean;
  readonly done: Promise<void>;
}

/** No accounting (tests of the driver alone): room is always there. */
const UNLIMITED: PoolRoom = { reserve: () => true, release: () => undefined, readied: () => undefined };

export class PrestartPool<T extends PoolMember> implements PoolReclaim {
  private readonly kinds = new Map<string, Kind<T>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Pre-starts in flight, awaited by close(). */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Pre-starts under way that still hold their room (a reclaim may cancel one). */
  private readonly pending = new Set<Pending>();
  private room: PoolRoom = UNLIMITED;
  /** Members still holding their room (ready ones; a handed-out or destroyed one gave it back). */
  private readonly holding = new Set<T>();

  constructor(
    private readonly sizing: PoolSizing,
    private readonly prestart: (generic: GenericSpec) => Promise<T>,
    private readonly log: (line: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
    /** Memory one pre-started sandbox may use (its cgroup limit), and so the room it takes. */
    private readonly memoryMb = 128,
  ) {}

  /** Counts pre-started sandboxes against the host's budget from now on. */
  useRoom(room: PoolRoom): void {
    this.room = room;
  }

  get enabled(): boolean {
    return this.sizing.max > 0;
  }

  /**
   * A ready sandbox of this kind (never handed out again), or undefined; counts as demand either
   * way. When one is handed out, its replacement starts only once `refillAfter` settles (the
   * sandbox taken has answered its first invocation, or a bound passed: first-answer.ts): a
   * pre-start launches half a dozen processes and writes cgroups, and on a small host it would
   * take the CPU from the very start it replaces.
   */
  take(key: string, generic: GenericSpec, refillAfter?: Promise<unknown>): T | undefined {
    if (!this.enabled || this.closed) return undefined;
    const kind = this.kind(key, generic);
    kind.demand.push(this.now());
    kind.failed = false;
    const member = kind.ready.shift();
    // The start that takes it had room made for it by the worker manager.
    if (member !== undefined) this.giveBack(member);
    if (member !== undefined && refillAfter !== undefined) {
      kind.deferred += 1;
      const resume = (): void => {
        kind.deferred -= 1;
        this.adjust(key, kind);
      };
      void refillAfter.then(resume, resume);
    } else this.adjust(key, kind);
    return member;
  }

  /** Expect demand for this kind (at start-up): fill up to the cap. */
  prime(key: string, generic: GenericSpec): void {
    if (!this.enabled || this.closed) return;
    const kind = this.kind(key, generic);
    const now = this.now();
    for (let i = 0; i < this.sizing.max; i++) kind.demand.push(now);
    this.adjust(key, kind);
  }

  /** Ready sandboxes of a kind (for tests and the start-up log). */
  readyCount(key: string): number {
    return this.kinds.get(key)?.ready.length ?? 0;
  }

  /** Resolves once `count` sandboxes of the kind are ready (or the pool gave up on it). */
  async whenReady(key: string, count: number, timeoutMs = 30_000): Promise<boolean> {
    const deadline = this.now() + timeoutMs;
    while (this.readyCount(key) < count) {
      const kind = this.kinds.get(key);
      if (kind === undefined || kind.failed || this.closed || this.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  /**
   * Gives one sandbox's room back at once: a ready one (of the kind with most ready) is destroyed;
   * else a pre-start under way is cancelled. The promise resolves once its process is gone.
   */
  reclaimOne(): Promise<void> | undefined {
    let most: Kind<T> | undefined;
    for (const kind of this.kinds.values()) if (kind.ready.length > (most?.ready.length ?? 0)) most = kind;
    const member = most?.ready.pop();
    if (member !== undefined) return this.discard(member);
    const pending = [...this.pending].find((start) => !start.cancelled);
    if (pending === undefined) return undefined;
    pending.cancelled = true;
    this.pending.delete(pending);
    this.room.release(this.memoryMb);
    return pending.done;
  }

  /** Destroys every ready sandbox and starts no more. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    const members = [...this.kinds.values()].flatMap((kind) => kind.ready.splice(0));
    await Promise.all([...members.map((member) => this.discard(member)), ...this.inFlight]);
  }

  private giveBack(member: T): void {
    if (this.holding.delete(member)) this.room.release(this.memoryMb);
  }

  private discard(member: T): Promise<void> {
    this.giveBack(member);
    return member.destroy().catch(() => undefined);
  }

  private kind(key: string, generic: GenericSpec): Kind<T> {
    let kind = this.kinds.get(key);
    if (kind === undefined) {
      kind = { generic, ready: [], demand: [], starting: 0, deferred: 0, failed: false };
      this.kinds.set(key, kind);
    }
    // Shrinking needs a clock tick even when no start comes.
    this.timer ??= setInterval(() => this.tick(), this.sizing.windowMs).unref();
    return kind;
  }

  private tick(): void {
    for (const [key, kind] of this.kinds) this.adjust(key, kind);
  }

  /** Refills towards the target (one start at a time), or destroys what is beyond it. */
  private adjust(key: string, kind: Kind<T>): void {
    if (this.closed) return;
    const now = this.now();
    kind.demand = pruneDemand(this.sizing, kind.demand, now);
    const target = poolTarget(this.sizing, kind.demand, now);
    while (kind.ready.length > target) {
      const member = kind.ready.pop();
      if (member !== undefined) void this.discard(member);
    }
    if (kind.ready.length === 0 && kind.demand.length === 0 && kind.starting === 0 && kind.deferred === 0) {
      this.kinds.delete(key);
      return;
    }
    if (kind.starting > 0 || kind.deferred > 0 || kind.failed || kind.ready.length >= target) return;
    // No room on the host: try again at the next start or clock tick.
    if (!this.room.reserve(this.memoryMb)) return;
    kind.starting += 1;
    let ended: () => void = () => undefined;
    const pending: Pending = { cancelled: false, done: new Promise<void>((resolve) => (ended = resolve)) };
    this.pending.add(pending);
    const started = this.prestart(kind.generic).then(
      async (member) => {
        kind.starting -= 1;
        this.pending.delete(pending);
        if (pending.cancelled) return member.destroy().catch(() => undefined);
        this.holding.add(member);
        if (this.closed) return this.discard(member);
        kind.ready.push(member);
        // One that ends while ready (killed from outside) leaves the pool and is destroyed: its
        // cgroup, /tmp disk and uid are freed then, not at the next start's sweep.
        void member.gone.then(() => {
          const at = kind.ready.indexOf(member);
          if (at < 0) return;
          kind.ready.splice(at, 1);
          void this.discard(member);
        });
        this.adjust(key, kind);
        this.room.readied();
      },
      (error: unknown) => {
        kind.starting -= 1;
        this.pending.delete(pending);
        if (!pending.cancelled) this.room.release(this.memoryMb);
        kind.failed = true;
        this.log(`WARNING: pre-starting a sandbox failed (pool paused until the next start): ${String(error)}`);
      },
    );
    this.inFlight.add(started);
    void started.finally(() => {
      this.inFlight.delete(started);
      ended();
    });
  }
}
