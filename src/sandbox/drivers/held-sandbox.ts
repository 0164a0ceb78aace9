// Held sandboxes (docs/isolation.md, "Held sandboxes"): for each kind of sandbox a function has
// started, one is made ahead with everything but the function — cgroup, namespaces, the /tmp disk,
// every mount but /var/task and /opt, the sandbox's user, the 127.0.0.1:9001 forwarder — and its
// init waits (sandbox-init.c, held_runtime). A start without a pre-started runtime takes it:
//   1. in parallel: the function's memory limit and normal CPU weight on the cgroup; its code and
//      layers bound read-only at /var/task and /opt inside the sandbox (bind-mounter.ts, as for a
//      pre-started sandbox); the function's Runtime API server listens on the sandbox's socket;
//   2. the init gets the runtime's argv and environment and execs it: the runtime starts cold, as it
//      would in a new sandbox, but bwrap and the init's own work (~8 ms) are not on the path.
// Unlike the pre-started pool no runtime is running, so any runtime can be held (custom ones too),
// and a held sandbox uses ~1 MB (bwrap, the init and the forwarder), not counted against the host's
// memory budget; a taken one counts as its function's sandbox from then on. Up to `depth` are held
// per kind (the driver holds two), made one at a time: one for each start of the kind once it has
// answered (first-answer.ts), and up to the depth only while no start of the kind is under way.
import { chownSync } from 'node:fs';
import type { SandboxProcess, SandboxSpec } from '../sandbox-driver.js';
import type { BindMounter, SandboxBind } from '../isolation/bind-mounter.js';
import type { HeldRuntime } from '../isolation/sandbox-launcher.js';
import { POOLED_EPHEMERAL_STORAGE_MB } from '../pool/pool-key.js';
import { giveFunction, type Booted } from './prestarted-sandbox.js';

export interface HeldSandbox {
  readonly booted: Booted;
  readonly runtime: HeldRuntime;
  /** The ES module links' directory it was made with (those of a function without layers). */
  readonly esmDir: string;
  /** Resolves if it ends while held. */
  readonly gone: Promise<unknown>;
  destroy(): Promise<void>;
}

/** What a held sandbox is made with: the same for every function of its kind. */
export type HeldKind = Pick<SandboxSpec, 'runtimeDir' | 'hostPaths' | 'readOnlyBinds'>;

/** Equal keys: one held sandbox serves either spec. */
export function heldKey(spec: HeldKind): string {
  return JSON.stringify([spec.runtimeDir, spec.hostPaths, spec.readOnlyBinds ?? []]);
}

/**
 * Why nothing made ahead (a held or a pre-started sandbox) can serve this start, or undefined when
 * something can: outbound internet, a memory burst and another /tmp size are set up when a sandbox
 * is made.
 */
export function aheadRefusal(
  spec: Pick<SandboxSpec, 'ephemeralStorageMb' | 'internet' | 'memoryBurstMb'>,
): string | undefined {
  if (spec.internet === true) return 'outbound internet is set up when a sandbox starts';
  if (spec.memoryBurstMb !== undefined) return 'a memory burst is set up when a sandbox starts';
  if (spec.ephemeralStorageMb !== POOLED_EPHEMERAL_STORAGE_MB)
    return `EphemeralStorage is not ${POOLED_EPHEMERAL_STORAGE_MB} MB`;
  return undefined;
}

/** Makes the held sandbox the function's and starts its runtime; on a failure the caller destroys it. */
export async function runHeld(
  held: HeldSandbox,
  spec: SandboxSpec,
  mounter: BindMounter,
  runtimeApiEnv: Readonly<Record<string, string>>,
  /** The function's own ES module links, when they differ from the sandbox's. */
  esmBinds: readonly SandboxBind[],
): Promise<SandboxProcess> {
  const { booted } = held;
  const socket = booted.socket;
  const listening = spec.runtimeApi.listenUnix(socket).then(() => chownSync(socket, booted.uid, booted.uid));
  await giveFunction(booted, spec, mounter, esmBinds, [listening]);
  held.runtime.run(spec.argv, { ...spec.env, ...runtimeApiEnv });
  return booted.process;
}

/** Up to `depth` held sandboxes per kind, made in the background one at a time, each handed out once. */
export class HeldSandboxes {
  private readonly ready = new Map<string, HeldSandbox[]>();
  /** The make under way per kind: true once its sandbox is held. */
  private readonly making = new Map<string, Promise<boolean>>();
  /** Per kind: starts that took (or looked for) a held sandbox and have not answered yet. */
  private readonly starting = new Map<string, number>();
  /** Per kind: makes owed to starts that have answered. */
  private readonly owed = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private closed = false;

  constructor(
    private readonly make: (kind: HeldKind) => Promise<HeldSandbox>,
    private readonly log: (line: string) => void = () => undefined,
    private readonly depth = 1,
  ) {}

  /** A held sandbox of this kind, if one is ready; the kind is filled again once `refillAfter` settles. */
  take(kind: HeldKind, refillAfter: Promise<void>): HeldSandbox | undefined {
    const key = heldKey(kind);
    const held = this.ready.get(key)?.shift();
    bump(this.starting, key, 1);
    void refillAfter.then(() => {
      bump(this.starting, key, -1);
      bump(this.owed, key, 1);
      this.fill(kind);
    });
    return held;
  }

  /**
   * Makes one if the kind is short, one at a time: for each start that answered, or, with no start
   * of the kind under way, until the kind is full. Never more while a start is under way: two makes
   * in a row during one start and none during the next made back-to-back starts alternate between
   * slow and fast (the many-functions run: a make is ~20 ms of CPU beside a start on two cores).
   */
  private fill(kind: HeldKind): void {
    const key = heldKey(kind);
    if (this.closed || this.making.has(key)) return;
    if ((this.ready.get(key)?.length ?? 0) >= this.depth) {
      this.owed.delete(key);
      return;
    }
    if ((this.owed.get(key) ?? 0) > 0) bump(this.owed, key, -1);
    else if ((this.starting.get(key) ?? 0) > 0) return;
    const making = this.make(kind).then(
      async (held) => {
        if (this.closed) {
          await held.destroy();
          return false;
        }
        const ready = this.ready.get(key) ?? [];
        ready.push(held);
        this.ready.set(key, ready);
        for (const wake of this.waiters.get(key) ?? []) wake();
        this.waiters.delete(key);
        // One that ends while held (killed from outside) is dropped and destroyed, which frees its
        // cgroup, /tmp disk and uid; the next start makes another.
        void held.gone.then(() => {
          const index = ready.indexOf(held);
          if (index < 0) return;
          ready.splice(index, 1);
          void held.destroy().catch(() => undefined);
        });
        return true;
      },
      (error: unknown) => {
        this.log(`WARNING: making a held sandbox failed: ${String(error)}`);
        return false;
      },
    );
    this.making.set(key, making);
    // After a success, on to the next one if one is owed (or nothing of the kind is starting); a
    // failure waits for the next start.
    void making.then((made) => {
      this.making.delete(key);
      if (made) this.fill(kind);
    });
  }

  /** Resolves true once a held sandbox of this kind is ready, false after `timeoutMs`. */
  whenReady(kind: HeldKind, timeoutMs: number): Promise<boolean> {
    const key = heldKey(kind);
    if ((this.ready.get(key)?.length ?? 0) > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), wake]);
    });
  }

  /** Destroys every held sandbox, after those being made. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.making.values());
    const held = [...this.ready.values()].flat();
    this.ready.clear();
    await Promise.all(held.map((sandbox) => sandbox.destroy()));
  }
}

/** Adds `by` to a per-kind count, dropping it at zero. */
function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
