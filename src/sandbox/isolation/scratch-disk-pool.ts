// /tmp disks made ahead (docs/isolation.md, "/tmp without counting as memory"): making one (a copy
// of a formatted image, a loop mount; mkfs.ext4 without Hearth's init) is off the start's path, so a
// few disks of the default size are kept formatted and mounted, and a start takes one and gives
// its root to the sandbox's uid. A disk is never used by two sandboxes: taken once, removed with
// its sandbox. Refills run in the background, one at a time. Ready disks live under the driver's
// state directory, so the stale sweep removes them if Hearth dies.
import { chownSync } from 'node:fs';
import path from 'node:path';
import { createScratchDisk, type DiskTemplates, type ScratchDisk } from './scratch-disk.js';

export class ScratchDiskPool {
  private readonly ready: ScratchDisk[] = [];
  private making: Promise<void> | undefined;
  private closed = false;
  private next = 0;

  constructor(
    /** Where ready disks are made (one directory each). */
    private readonly dir: string,
    private readonly templates: DiskTemplates,
    /** The /tmp capacity the disks are made for (EphemeralStorage in bytes). */
    readonly capacityBytes: number,
    private readonly target: number,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /**
   * A ready disk whose root now belongs to uid:gid, or undefined (none ready: make one as usual).
   * The pool refills when `refillAfter` settles (first-answer.ts); now when it is not given.
   */
  async take(uid: number, gid: number, refillAfter?: Promise<void>): Promise<ScratchDisk | undefined> {
    const disk = this.ready.shift();
    if (refillAfter === undefined) this.refill();
    else void refillAfter.then(() => this.refill());
    if (disk === undefined) return undefined;
    try {
      // In place: one metadata write, cheaper than a thread-pool round trip on the start's path.
      chownSync(disk.mountPoint, uid, gid);
      return disk;
    } catch (error) {
      await disk.remove();
      throw error;
    }
  }

  /** Makes disks until `target` are ready (one at a time). */
  refill(): void {
    if (this.closed || this.making !== undefined || this.ready.length >= this.target) return;
    const dir = path.join(this.dir, `disk-${++this.next}`);
    this.making = createScratchDisk(dir, this.capacityBytes, 0, 0, this.templates).then(
      async (disk) => {
        this.making = undefined;
        if (this.closed) return disk.remove();
        this.ready.push(disk);
        this.refill();
      },
      (error: unknown) => {
        // Not retried until the next take: a host that cannot make disks makes them per start and fails there.
        this.making = undefined;
        this.log(`WARNING: making a /tmp disk ahead failed: ${String(error)}`);
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.making;
    await Promise.all(this.ready.splice(0).map((disk) => disk.remove()));
  }
}
