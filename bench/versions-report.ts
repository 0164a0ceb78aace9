// Renders the versions-and-concurrency section of docs/benchmarks.md (Hearth only, issue 4): the
// warm path through each way of invoking against the baseline, with the noise the baseline shows
// on its own, and the first invoke served by provisioned concurrency. Pure: results in, Markdown out.
import type { TargetResult } from './bench-result.js';
import { table } from './markdown-table.js';
import { ms, signedMs } from './stats.js';

export function renderVersionsSection(hearth: TargetResult | undefined): string {
  return [
    '### Versions, aliases and concurrency on the warm path (Hearth, ms)',
    '',
    admissionTable(hearth),
    '',
    '### First invoke served by provisioned concurrency (Hearth, ms)',
    '',
    provisionedStartTable(hearth),
  ].join('\n');
}

function admissionTable(hearth: TargetResult | undefined): string {
  const a = hearth?.admission;
  if (a === undefined) return `Not measured: ${why(hearth, 'admission')}.`;
  return [
    `Interleaved: ${a.rounds} rounds × ${a.perRound} sequential invokes of each row, the order rotated every round. ` +
      `Δp50 is the median over rounds of (row p50 − baseline p50 in the same round); Δp99 compares the pooled p99s. ` +
      `Noise: Δp50 is judged against ${ms(a.noiseP50)} ms (${Number.isFinite(a.pairedNoiseP50) ? "the A/A control's largest paired difference from the baseline in any round" : "the spread of the baseline's p50 between rounds"}), ` +
      `Δp99 against ${ms(a.noiseP99)} ms (the spread of the baseline's p99 between rounds); a difference no larger is "within noise". ` +
      `The baseline's p50 itself moved by ${ms(a.baselineSpreadP50)} ms between rounds (drift that pairing cancels).`,
    '',
    table(
      ['invoked as', 'what', 'p50', 'p99', 'Δp50', 'Δp99', 'p50 verdict', 'p99 verdict'],
      a.rows.map((row) => [
        `\`${row.invoked}\``,
        row.name.replace(/\|/g, '\\|'),
        ms(row.latency.p50),
        ms(row.latency.p99),
        signedMs(row.deltaP50),
        signedMs(row.deltaP99),
        row.verdictP50,
        row.verdictP99,
      ]),
    ),
  ].join('\n');
}

function provisionedStartTable(hearth: TargetResult | undefined): string {
  const p = hearth?.provisionedStart;
  if (p === undefined) return `Not measured: ${why(hearth, 'provisionedStart')}.`;
  return [
    table(
      ['first invoke of', 'p50', 'p99', 'REPORT with Init Duration', 'note'],
      [
        [
          'a version with provisioned concurrency 1, after READY',
          ms(p.provisionedFirst.p50, 1),
          ms(p.provisionedFirst.p99, 1),
          `${p.provisionedWithInitDuration} of ${p.samples}${p.provisionedWithInitDuration === 0 ? ' (none, as required)' : ' (must be none)'}`,
          `READY ${ms(p.readyAfter.p50, 0)} ms (p50) after PutProvisionedConcurrencyConfig`,
        ],
        [
          'a function without it (on-demand cold start)',
          ms(p.onDemandFirst.p50, 1),
          ms(p.onDemandFirst.p99, 1),
          `${p.onDemandWithInitDuration} of ${p.samples}`,
          `${p.samples} new functions`,
        ],
      ],
    ),
    '',
    `REPORT of a first invoke served by provisioned concurrency: \`${tabs(p.provisionedReport)}\``,
    '',
    `REPORT of an on-demand cold start: \`${tabs(p.onDemandReport)}\``,
  ].join('\n');
}

function tabs(line: string): string {
  return line.trim().replace(/\t/g, ' · ').replace(/`/g, "'");
}

function why(hearth: TargetResult | undefined, phase: string): string {
  if (hearth === undefined) return 'Hearth was not part of this run';
  return (hearth.phaseErrors?.[phase] ?? hearth.error ?? 'not part of this run').split('\n')[0]!.replace(/\|/g, '\\|');
}
