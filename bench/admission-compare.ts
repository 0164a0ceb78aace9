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
  /** `within noise` when |delta| ≤ the noise estimate, else the signed delta. */
  readonly verdictP50: string;
  readonly verdictP99: string;
}

export interface AdmissionComparison {
  /** The spread (max − min) of the baseline's p50 and p99 between its rounds: what drift alone moves. */
  readonly baselineSpreadP50: number;
  readonly baselineSpreadP99: number;
  /**
   * The largest |round p50 − baseline p50 in the same round| of the A/A control (a second,
   * identical function): what pairing leaves of the noise. NaN without a control.
   */
  readonly pairedNoiseP50: number;
  /** What Δp50 is judged against: the paired noise when there is a control, else the baseline's spread. */
  readonly noiseP50: number;
  /** What Δp99 is judged against: the baseline's spread of p99 between rounds. */
  readonly noiseP99: number;
  readonly rows: readonly VariantComparison[];
}

/**
 * Compares every variant with the first one (the baseline). `controlIndex` names the A/A control,
 * whose paired differences estimate the noise of a paired Δp50.
 */
export function compareToBaseline(variants: readonly VariantSamples[], controlIndex?: number): AdmissionComparison {
  const baseline = variants[0];
  if (baseline === undefined) {
    const none = Number.NaN;
    return {
      baselineSpreadP50: none,
      baselineSpreadP99: none,
      pairedNoiseP50: none,
      noiseP50: none,
      noiseP99: none,
      rows: [],
    };
  }
  const baseP50s = baseline.rounds.map((round) => roundPercentile(round, 50));
  const baseP99s = baseline.rounds.map((round) => roundPercentile(round, 99));
  const paired = (variant: VariantSamples): number[] =>
    variant.rounds.map((round, i) => roundPercentile(round, 50) - (baseP50s[i] ?? Number.NaN)).filter(Number.isFinite);
  const baselineSpreadP50 = spread(baseP50s);
  const baselineSpreadP99 = spread(baseP99s);
  const control = controlIndex === undefined ? undefined : variants[controlIndex];
  const controlDeltas = control === undefined ? [] : paired(control).map(Math.abs);
  const pairedNoiseP50 = controlDeltas.length === 0 ? Number.NaN : Math.max(...controlDeltas);
  const noiseP50 = Number.isFinite(pairedNoiseP50) ? pairedNoiseP50 : baselineSpreadP50;
  const noiseP99 = baselineSpreadP99;
  const basePooled = summarize(baseline.rounds.flat());
  const rows = variants.map((variant): VariantComparison => {
    const latency = summarize(variant.rounds.flat());
    const deltaP50 = median(paired(variant));
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
  return { baselineSpreadP50, baselineSpreadP99, pairedNoiseP50, noiseP50, noiseP99, rows };
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
