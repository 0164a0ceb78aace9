// Cgroups made ahead. Creating a cgroup is a mkdir in every controller's hierarchy, each taking the
// kernel's global cgroup lock: ~0.25 ms on a quiet host, but 10–70 ms per controller when other
// processes create and remove cgroups at the same time (measured on this 2-core host under load).
// So a few empty cgroups are kept ready, made in the background one at a time, and a start takes
// one and writes its own limits into it. A ready cgroup has never held a process; each is handed
// out once and removed with its sandbox.
import type { CgroupHierarchy, CgroupLimits, SandboxCgroup } from './cgroup-hierarchy.js';

export class CgroupPool {
  private readonly ready: SandboxCgroup[] = [];
  private making: Promise<void> | undefined;
  private closed = false;
  private next = 0;

  constructor(
    private readonly cgroups: CgroupHierarchy,
    private readonly instance: string,
    /** Limits a ready cgroup holds until it is taken (a start writes its own). */
    private readonly idle: CgroupLimits,
    private readonly target: number,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** A cgroup with `limits`: a ready one when there is one, else a new one named `id`. */
  async take(id: string, limits: CgroupLimits): Promise<SandboxCgroup> {
    const cgroup = limits.pidsMax === this.idle.pidsMax ? this.ready.shift() : undefined;
    this.refill();
    if (cgroup === undefined) return this.cgroups.create(this.instance, id, limits);
    try {
      // A memory-limit write can take milliseconds on a busy host: none when the limit is already right.
      await Promise.all([
        limits.memoryBytes !== this.idle.memoryBytes ? cgroup.setMemory(limits.memoryBytes) : undefined,
        cgroup.setCpu(limits.cpu),
      ]);
      return cgroup;
    } catch (error) {
      await cgroup.remove().catch(() => undefined);
      throw error;
    }
  }

  /** Makes cgroups until `target` are ready (one at a time). */
  refill(): void {
    if (this.closed || this.making !== undefined || this.ready.length >= this.target) return;
    this.making = this.cgroups.create(this.instance, `ready-${++this.next}`, this.idle).then(
      async (cgroup) => {
        this.making = undefined;
        if (this.closed) return cgroup.remove();
        this.ready.push(cgroup);
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
    await Promise.all(this.ready.splice(0).map((cgroup) => cgroup.remove().catch(() => undefined)));
  }
}
