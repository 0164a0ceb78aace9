// Whether admission and routing add measurable time to the warm path: each way of invoking
// (a reservation, a version, an alias, weighted routing, provisioned concurrency) against the
// baseline ($LATEST, no concurrency settings), measured in interleaved rounds on one server with one
// client. Pure: the per-round samples in, the comparison rows out.
import { percentile, summarize, type LatencySummary } from './stats.js';

/** One way of invoking, with its latencies (ms) per round; rounds are aligned across variants. */
export interface VariantSamples {
  readonly name: string;
  /** What is invoked, e.g. `adm-alias:live`. */
  readonly invoked: string;
  readonly rounds: readonly (readonly number[])[];
}

export interface VariantComparison {
  readonly name: string;
  readonly invoked: string;
  /** All rounds pooled. */
  readonly latency: LatencySummary;
  /** Median over rounds of (this round's p50 − the baseline's p50 in the same round). */
  readonly deltaP50: number;
  /** Pooled p99 − the baseline's pooled p99. */
  readonly deltaP99: number;
  /** `within noise` when |delta| ≤ the baseline's own spread between rounds, else the signed delta. */
  readonly verdictP50: string;
  readonly verdictP99: string;
}

export interface AdmissionComparison {
  /** The spread (max − min) of the baseline's p50 and p99 between its rounds: what noise alone moves. */
  readonly noiseP50: number;
  readonly noiseP99: number;
  readonly rows: readonly VariantComparison[];
}

/** Compares every variant with the first one (the baseline). */
export function compareToBaseline(variants: readonly VariantSamples[]): AdmissionComparison {
  const baseline = variants[0];
  if (baseline === undefined) return { noiseP50: Number.NaN, noiseP99: Number.NaN, rows: [] };
  const baseP50s = baseline.rounds.map((round) => roundPercentile(round, 50));
  const baseP99s = baseline.rounds.map((round) => roundPercentile(round, 99));
  const noiseP50 = spread(baseP50s);
  const noiseP99 = spread(baseP99s);
  const basePooled = summarize(baseline.rounds.flat());
  const rows = variants.map((variant): VariantComparison => {
    const latency = summarize(variant.rounds.flat());
    const paired = variant.rounds.map((round, i) => roundPercentile(round, 50) - (baseP50s[i] ?? Number.NaN));
    const deltaP50 = median(paired.filter(Number.isFinite));
    const deltaP99 = latency.p99 - basePooled.p99;
    return {
      name: variant.name,
      invoked: variant.invoked,
      latency,
      deltaP50,
      deltaP99,
      verdictP50: variant === baseline ? 'baseline' : verdict(deltaP50, noiseP50),
      verdictP99: variant === baseline ? 'baseline' : verdict(deltaP99, noiseP99),
    };
  });
  return { noiseP50, noiseP99, rows };
}

/** `within noise` when the delta is no larger than the noise, else the signed delta in ms. */
export function verdict(delta: number, noise: number): string {
  if (!Number.isFinite(delta) || !Number.isFinite(noise)) return '—';
  if (Math.abs(delta) <= noise) return 'within noise';
  return `${delta > 0 ? '+' : '−'}${Math.abs(delta).toFixed(3)} ms beyond noise ${noise.toFixed(3)}`;
}

/** The order variants run in during round `round`: rotated, so none always follows the same one. */
export function roundOrder(count: number, round: number): number[] {
  return Array.from({ length: count }, (_, i) => (i + round) % count);
}

function roundPercentile(samples: readonly number[], p: number): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    p,
  );
}

function spread(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : Math.max(...finite) - Math.min(...finite);
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
