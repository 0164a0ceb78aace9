// Intake first, for a while: one event loop both accepts events (HTTP, SigV4, the fsynced commit)
// and runs them (the pollers, the Runtime API, the runtimes' CPU on the same cores). While events
// keep arriving (an intake burst), the pollers run only `burstSlots` events at once, so the host's
// CPU goes to answering 202s; the burst's events wait in the durable queue. The priority is
// bounded: a burst holds the pollers back for at most `windowMs`, after which they run at full
// width even if events keep arriving, so a steady overload cannot starve the queue. Pure
// decisions; the poller is the shell that keeps the burst's timestamps and re-checks on time.

export interface IntakePriority {
  /** Intake is quiet (the burst is over) once no event was accepted for this long. */
  readonly quietMs: number;
  /** The longest a burst holds the pollers back. */
  readonly windowMs: number;
  /** Events run at once during a burst (at least 1, so the queue always moves). */
  readonly burstSlots: number;
}

export const DEFAULT_INTAKE_PRIORITY: IntakePriority = { quietMs: 100, windowMs: 5000, burstSlots: 1 };

/** When the current burst began and when its last event was accepted (ms). */
export interface IntakeBurst {
  readonly startedAt: number;
  readonly lastAt: number;
}

/** The burst after an event is accepted at `now`: the same one, or a new one after a quiet gap. */
export function afterAccept(burst: IntakeBurst | undefined, now: number, priority: IntakePriority): IntakeBurst {
  if (burst === undefined || now - burst.lastAt >= priority.quietMs) return { startedAt: now, lastAt: now };
  return { startedAt: burst.startedAt, lastAt: now };
}

export interface RunLimit {
  /** Events that may run at once now. */
  readonly slots: number;
  /** While held back: when the limit may change (the burst goes quiet or its window ends). */
  readonly recheckAt?: number;
}

/** How many events the pollers may run at once at `now`. */
export function runLimit(
  burst: IntakeBurst | undefined,
  now: number,
  slots: number,
  priority: IntakePriority,
): RunLimit {
  if (burst === undefined) return { slots };
  const quietAt = burst.lastAt + priority.quietMs;
  const windowEndsAt = burst.startedAt + priority.windowMs;
  if (now >= quietAt || now >= windowEndsAt) return { slots };
  return { slots: Math.min(slots, Math.max(1, priority.burstSlots)), recheckAt: Math.min(quietAt, windowEndsAt) };
}
