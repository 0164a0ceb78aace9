// Unprivileged uids for sandboxes: one per live sandbox, never shared by two at once. Each driver
// starts at a random point of a large range, so two Hearth processes on one host are unlikely to
// hand out the same uid (and a uid is not reused by this process until every other one was).
import { randomInt } from 'node:crypto';

export const DEFAULT_UID_BASE = 100_000;
export const DEFAULT_UID_COUNT = 65_536;

export class UidPool {
  private readonly inUse = new Set<number>();
  private nextOffset: number;

  constructor(
    private readonly base: number = DEFAULT_UID_BASE,
    private readonly count: number = DEFAULT_UID_COUNT,
    start: number = randomInt(count),
  ) {
    this.nextOffset = start % count;
  }

  acquire(): number {
    for (let tries = 0; tries < this.count; tries++) {
      const uid = this.base + this.nextOffset;
      this.nextOffset = (this.nextOffset + 1) % this.count;
      if (!this.inUse.has(uid)) {
        this.inUse.add(uid);
        return uid;
      }
    }
    throw new Error(`all ${this.count} sandbox uids from ${this.base} are in use`);
  }

  release(uid: number): void {
    this.inUse.delete(uid);
  }
}
