// When the driver's background refills go on after a start: what it makes ahead (pre-started
// sandboxes, /tmp disks, cgroups with parked launchers) is replaced once the start that took it
// has answered its first invocation, or after a bound, so a refill never takes the CPU from the
// very start it replenishes for (measured on a 2-core host: a refill beside a start made it 20–40 ms slower).

/** Longest a refill waits for the start's first answer. */
export const REFILL_WAIT_MS = 1_000;

export interface FirstAnswer {
  /** Resolves at the first answer (or when the start failed, or its sandbox ended). */
  readonly answered: Promise<void>;
  /** Resolves at the first answer or after `REFILL_WAIT_MS`, whichever comes first. */
  readonly refillTime: Promise<void>;
  /** Call when the sandbox answered an invocation, failed to start, or ended; idempotent. */
  settle(): void;
}

export function firstAnswer(maxWaitMs = REFILL_WAIT_MS): FirstAnswer {
  let settle: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (settle = resolve));
  const refillTime = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxWaitMs);
    timer.unref();
    void answered.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { answered, refillTime, settle: () => settle() };
}
