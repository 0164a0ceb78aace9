// How much each run measures: `--quick` (under 3 minutes with every peer) or the full run.

export interface Plan {
  /**
   * Unmeasured invokes before the warm measurements (c=1), and per concurrent loop before each
   * throughput level: enough for the JIT of a new server and of each new runtime to settle.
   */
  readonly warmup: number;
  readonly warmupPerLoop: number;
  /** The most time each throughput level's warm-up may take per server. */
  readonly warmupLoopMs: number;
  /** Sequential warm invokes at concurrency 1 (stopping early after warmMs for slow peers). */
  readonly warm: number;
  readonly warmMs: number;
  /** Concurrency levels for the throughput runs, each bounded by count and time. */
  readonly concurrencies: readonly number[];
  readonly throughputCount: number;
  readonly throughputMs: number;
  /** New functions whose first invoke is a cold start; their warm sandboxes are then weighed. */
  readonly cold: number;
  /** Pause before each cold start: a rate the pre-started pool's background refill keeps up with. */
  readonly coldGapMs: number;
  /** The many-functions run: functions invoked round-robin, room for `room` sandboxes. */
  readonly manyFunctions: number;
  readonly manyRoom: number;
  readonly manyRounds: number;
  /** Slices of each side-by-side phase (warm, throughput): every server runs one per round (side-by-side.ts). */
  readonly interleaveRounds: number;
  /** Slices of each server's many-functions sequence, interleaved like the others (side-by-side.ts). */
  readonly manySlices: number;
}

export interface Options {
  readonly quick: boolean;
  /** Write bench/results/*.json and docs/benchmarks.md (off with --no-write). */
  readonly write: boolean;
  /** Only these targets (--only hearth,lambda-local); all when empty. */
  readonly only: readonly string[];
}

export function planFor(quick: boolean): Plan {
  return quick
    ? {
        warmup: 1_000,
        warmupPerLoop: 250,
        warmupLoopMs: 1_000,
        warm: 1_000,
        warmMs: 4_000,
        concurrencies: [8, 32],
        throughputCount: 15_000,
        throughputMs: 2_000,
        cold: 6,
        coldGapMs: 250,
        // The issue's 200 functions with room for 20, scaled down in the same ratio: every invoke of
        // the many-functions run is a cold start (~80 ms, on 4 servers); 200 × 2 took 2 minutes.
        manyFunctions: 80,
        manyRoom: 8,
        manyRounds: 2,
        interleaveRounds: 3,
        manySlices: 8,
      }
    : {
        // Each new Node process (a sandbox's runtime, a process-hop floor handler) takes ~5,000
        // invokes to reach its steady rate (docs/benchmarks.md, "Warm-up").
        warmup: 5_000,
        warmupPerLoop: 5_000,
        warmupLoopMs: 15_000,
        warm: 5_000,
        warmMs: 30_000,
        concurrencies: [8, 32],
        throughputCount: 200_000,
        throughputMs: 10_000,
        cold: 20,
        coldGapMs: 250,
        manyFunctions: 200,
        manyRoom: 20,
        manyRounds: 3,
        interleaveRounds: 6,
        manySlices: 12,
      };
}

export function parseOptions(argv: readonly string[]): Options {
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',').filter((name) => name !== '') : [];
  return { quick: argv.includes('--quick'), write: !argv.includes('--no-write'), only };
}
