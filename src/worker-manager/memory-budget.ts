// The sandbox memory budget of this host (HEARTH_SANDBOX_MEMORY_MB): how much of it is granted to
// sandboxes. A sandbox's MemorySize is reserved when it is granted room (before its process
// starts) and released when it leaves the pool (its teardown has begun; a new sandbox waits for
// teardowns under way before it starts, so the processes alive never exceed the budget).
// Reserving past the budget is a bug, not a decision: decideRoom (capacity-plan.ts) decides first.

export class MemoryBudget {
  private reserved = 0;

  constructor(readonly totalMb: number) {
    if (!(totalMb > 0)) throw new Error(`A sandbox memory budget must be positive (got ${totalMb} MB)`);
  }

  get reservedMb(): number {
    return this.reserved;
  }

  get freeMb(): number {
    return this.totalMb - this.reserved;
  }

  reserve(mb: number): void {
    if (mb <= 0 || this.reserved + mb > this.totalMb) {
      throw new Error(`Cannot reserve ${mb} MB: ${this.reserved} of ${this.totalMb} MB already reserved`);
    }
    this.reserved += mb;
  }

  release(mb: number): void {
    if (mb <= 0 || mb > this.reserved) {
      throw new Error(`Cannot release ${mb} MB: only ${this.reserved} MB reserved`);
    }
    this.reserved -= mb;
  }
}
