// The room a pre-started sandbox takes on this host. Pre-started sandboxes count against the same
// sandbox memory budget (HEARTH_SANDBOX_MEMORY_MB) and count cap (HEARTH_MAX_SANDBOXES) as every
// other sandbox, so the pool can never overcommit the host: the worker manager implements this
// port, and takes the room back (reclaim) before it would evict or queue anything.

export interface PoolRoom {
  /** Takes room for one pre-started sandbox of `memoryMb` now; false: none free (the pool waits). */
  reserve(memoryMb: number): boolean;
  /** Gives it back: the sandbox was destroyed, or handed to a start the worker manager made room for. */
  release(memoryMb: number): void;
  /** A pre-started sandbox became ready: a start waiting for room may now reclaim it. */
  readied(): void;
}

/** What the worker manager may ask of the pool when it needs room. */
export interface PoolReclaim {
  /** Destroys one ready pre-started sandbox, its room given back at once; undefined when none is ready. */
  reclaimOne(): Promise<void> | undefined;
}
