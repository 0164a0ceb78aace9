// The shape of one benchmark run, as written to bench/results/<date>.json and rendered into
// docs/benchmarks.md.
import type { AsyncBenchResult } from './async.js';
import type { Machine } from './machine.js';
import type { Plan } from './plan.js';
import type { SandboxMemory } from './sandbox-memory.js';
import type { LatencySummary } from './stats.js';
import type { AdmissionRoutingResult, ProvisionedStartResult } from './versions-result.js';

export interface Throughput {
  readonly concurrency: number;
  readonly completed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
  /** The level's unmeasured warm-up just before (results since 2026-11-27 12:00). */
  readonly warmup?: RateRun;
}

/** Invokes completed in a time. */
export interface RateRun {
  readonly completed: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface WarmResult {
  /** Sequential invokes at concurrency 1. */
  readonly latency: LatencySummary;
  readonly throughput: readonly Throughput[];
}

export interface ManyFunctionsResult {
  readonly functions: number;
  readonly room: string;
  readonly invokes: number;
  readonly coldStarts: number;
  readonly latency: LatencySummary;
  readonly coldRule: string;
}

export interface TargetResult {
  readonly name: string;
  readonly version: string;
  readonly how: string;
  /** Set when the target could not run at all (exact error). */
  readonly error?: string;
  readonly warm?: WarmResult;
  /** First invoke of a new function; Hearth without its pre-started pool. */
  readonly cold?: LatencySummary;
  /** Hearth only: the same, on a server with its pre-started pool (HEARTH_POOL_SIZE=2). */
  readonly poolCold?: LatencySummary;
  readonly memory?: SandboxMemory;
  readonly many?: ManyFunctionsResult | { readonly skipped: string };
  /** Hearth only: the warm path through versions, aliases and concurrency settings (issue 4). */
  readonly admission?: AdmissionRoutingResult;
  /** Hearth only: the first invoke served by provisioned concurrency, against an on-demand one. */
  readonly provisionedStart?: ProvisionedStartResult;
  /** Errors of single phases that failed while the others ran. */
  readonly phaseErrors?: Readonly<Record<string, string>>;
}

export interface BenchResult {
  readonly date: string;
  readonly command: string;
  readonly quick: boolean;
  readonly machine: Machine;
  readonly plan: Plan;
  readonly notes: readonly string[];
  /** The handler called in a loop in the benchmark process: no I/O at all. */
  readonly inProcess: WarmResult;
  /** The handler behind a bare node:http server in its own process, same client. */
  readonly floor: WarmResult;
  /**
   * The same server with the handler in another process per concurrent request, one unix-socket
   * hop away (process-hop-floor.ts): the least running handlers outside the server adds. Absent
   * in runs before 2026-11-27 11:00, and when it failed.
   */
  readonly processHopFloor?: WarmResult;
  /** Hearth first, then the peers. */
  readonly targets: readonly TargetResult[];
  /** Async invocation: events accepted per second and 202 → completion (bench/async.ts). */
  readonly async?: AsyncBenchResult;
}
