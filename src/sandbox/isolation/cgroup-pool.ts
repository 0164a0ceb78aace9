// Cgroups made ahead. Creating a cgroup is a mkdir in every controller's hierarchy, each taking the
// kernel's global cgroup lock: ~0.25 ms on a quiet host, but 10–70 ms per controller when other
// processes create and remove cgroups at the same time (measured on this 2-core host under load).
// So a few empty cgroups are kept ready, made in the background one at a time, and a start takes
// one and writes its own limits into it. With a parking plan, each ready cgroup also holds a
// parked launcher (parked-launcher.ts) that already joined it: the start then writes no pid into
// any cgroup. A ready cgroup has never held anything of a function; each is handed out once and
// removed with its sandbox.
import type { CgroupHierarchy, CgroupLimits, SandboxCgroup } from './cgroup-hierarchy.js';
import { parkLauncher, type ParkedLauncher, type ParkingPlan } from './parked-launcher.js';

/** A cgroup for one start, with its parked launcher when there was one. */
export interface TakenCgroup {
  readonly cgroup: SandboxCgroup;
  readonly launcher?: ParkedLauncher;
}

/** Numbers ready cgroups across every pool of this process: two drivers in one process share the
 *  instance directory, and a name used twice would be one cgroup for two sandboxes. */
let readyCounter = 0;

interface Ready {
  readonly cgroup: SandboxCgroup;
  readonly launcher?: ParkedLauncher;
}

export class CgroupPool {
  private readonly ready: Ready[] = [];
  private making: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly cgroups: CgroupHierarchy,
    private readonly instance: string,
    /** Limits a ready cgroup holds until it is taken (a start writes its own). */
    private readonly idle: CgroupLimits,
    private readonly target: number,
    private readonly log: (line: string) => void = () => undefined,
    /** Parks a launcher in every ready cgroup; undefined: cgroups only. */
    private readonly parking?: ParkingPlan,
  ) {}

  /**
   * A cgroup with `limits`: a ready one when there is one (with its parked launcher), else a new one
   * named `id`. `withoutLauncher`: a start that launches its own way (outbound internet) gets a new
   * cgroup, and the ready ones stay for the starts that can use their launchers. The pool refills
   * when `refillAfter` settles (first-answer.ts); now when it is not given.
   */
  async take(
    id: string,
    limits: CgroupLimits,
    options: { withoutLauncher?: boolean; refillAfter?: Promise<void> } = {},
  ): Promise<TakenCgroup> {
    const ready =
      limits.pidsMax === this.idle.pidsMax && (options.withoutLauncher !== true || this.parking === undefined)
        ? this.ready.shift()
        : undefined;
    if (options.refillAfter === undefined) this.refill();
    else void options.refillAfter.then(() => this.refill());
    if (ready === undefined) return { cgroup: await this.cgroups.create(this.instance, id, limits) };
    try {
      // A memory-limit write can take milliseconds on a busy host: none when the limit is already right.
      await Promise.all([
        limits.memoryBytes !== this.idle.memoryBytes ? ready.cgroup.setMemory(limits.memoryBytes) : undefined,
        ready.cgroup.setCpu(limits.cpu),
      ]);
      return ready;
    } catch (error) {
      await (ready.launcher?.discard() ?? ready.cgroup.remove()).catch(() => undefined);
      throw error;
    }
  }

  /** Makes cgroups (and parks their launchers) until `target` are ready, one at a time. */
  refill(): void {
    if (this.closed || this.making !== undefined || this.ready.length >= this.target) return;
    this.making = this.makeOne().then(
      async (made) => {
        this.making = undefined;
        if (this.closed) return void (await (made.launcher?.discard() ?? made.cgroup.remove()));
        this.ready.push(made);
        // A launcher that dies while parked (killed from outside) takes its cgroup out of the pool.
        void made.launcher?.child.exited.then(() => {
          const at = this.ready.indexOf(made);
          if (at >= 0)
            void this.ready
              .splice(at, 1)[0]
              ?.launcher?.discard()
              .catch(() => undefined);
        });
        this.refill();
      },
      (error: unknown) => {
        // Not retried until the next take, which then creates its own (and fails there if it must).
        this.making = undefined;
        this.log(`WARNING: making a cgroup ahead failed: ${String(error)}`);
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.making;
    await Promise.all(
      this.ready.splice(0).map((ready) => (ready.launcher?.discard() ?? ready.cgroup.remove()).catch(() => undefined)),
    );
  }

  private async makeOne(): Promise<Ready> {
    const cgroup = await this.cgroups.create(this.instance, `ready-${++readyCounter}`, this.idle);
    if (this.parking === undefined) return { cgroup };
    return { cgroup, launcher: await parkLauncher(cgroup, this.parking) };
  }
}
