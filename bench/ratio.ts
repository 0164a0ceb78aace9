// Ratios between two measurements, as the tables print them. A claim of speed counts only as a
// ratio measured side by side in one run, so every comparison in docs/benchmarks.md comes from here.

/** Which way is better for a measure. */
export type Better = 'lower' | 'higher';

/** `value / base`, or undefined when either is missing or the base is zero. */
export function ratio(value: number | undefined, base: number | undefined): number | undefined {
  if (value === undefined || base === undefined) return undefined;
  if (!Number.isFinite(value) || !Number.isFinite(base) || base === 0) return undefined;
  return value / base;
}

/**
 * How `subject` compares with `other`: "3.2× faster", "1.5× slower", "same" (within 5 %), or
 * "—" when either is missing. For latency lower is better; for throughput higher is better.
 */
export function compare(subject: number | undefined, other: number | undefined, better: Better): string {
  const r = ratio(subject, other);
  if (r === undefined || r === 0) return '—';
  const advantage = better === 'lower' ? 1 / r : r;
  if (Math.abs(advantage - 1) < 0.05) return 'same';
  return advantage > 1 ? `${times(advantage)} better` : `${times(1 / advantage)} worse`;
}

/** "0.0031×", "1.25×", "12.3×", "340×": about three significant digits. */
export function times(r: number): string {
  if (!Number.isFinite(r)) return '—';
  if (r < 1) return `${r.toPrecision(2)}×`;
  const digits = r < 10 ? 2 : r < 100 ? 1 : 0;
  return `${r.toFixed(digits)}×`;
}
