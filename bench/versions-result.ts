// What the versions-and-concurrency section of a benchmark run records (Hearth only, issue 4):
// the warm path through each way of invoking, against the baseline, and the first invoke served by
// provisioned concurrency against an on-demand cold start.
import type { AdmissionComparison } from './admission-compare.js';
import type { LatencySummary } from './stats.js';

export interface AdmissionRoutingResult extends AdmissionComparison {
  /** Interleaved rounds, each with `perRound` sequential invokes of every variant. */
  readonly rounds: number;
  readonly perRound: number;
}

export interface ProvisionedStartResult {
  /** New functions measured, each once with provisioned concurrency and once on demand. */
  readonly samples: number;
  /** PutProvisionedConcurrencyConfig → Status READY (ms, polled every 20 ms). */
  readonly readyAfter: LatencySummary;
  /** The first invoke after READY. */
  readonly provisionedFirst: LatencySummary;
  /** How many of those REPORT lines carried Init Duration (must be 0). */
  readonly provisionedWithInitDuration: number;
  /** The first invoke of a function without provisioned concurrency: an on-demand cold start. */
  readonly onDemandFirst: LatencySummary;
  readonly onDemandWithInitDuration: number;
  /** One REPORT line of each kind, as the log tail (LogType Tail) gave it. */
  readonly provisionedReport: string;
  readonly onDemandReport: string;
}
