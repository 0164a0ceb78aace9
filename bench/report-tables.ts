// Renders one run as the Markdown tables of docs/benchmarks.md: every row next to the floor and
// every peer next to Hearth, as ratios from ratio.ts. Pure: a BenchResult in, Markdown out.
import type { BenchResult, ManyFunctionsResult, TargetResult, Throughput, WarmResult } from './bench-result.js';
import { compare, ratio, times } from './ratio.js';
import { table, type Row } from './markdown-table.js';
import { mib, ms, signedMs, type LatencySummary } from './stats.js';
import { renderVersionsSection } from './versions-report.js';
import { ASYNC_ACCEPT_GOAL, bestAcceptRate, renderAsyncSection } from './async-report.js';

export { table };

export function renderRun(result: BenchResult): string {
  const m = result.machine;
  const hearth = result.targets.find((t) => t.name === 'hearth');
  const ran = result.targets.filter((t) => t.warm !== undefined);
  return [
    `Run of ${result.date.slice(0, 16).replace('T', ' ')} UTC, \`${result.command}\` (${result.quick ? 'quick' : 'full'} plan).`,
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform}, kernel ${m.kernel}, Node ${m.node}.`,
    '',
    ...result.notes.map((note) => `- ${note}`),
    '',
    '### Platforms',
    '',
    table(
      ['target', 'version', 'invoked through', 'status'],
      result.targets.map((t) => [t.name, t.version, t.how, status(t)]),
    ),
    '',
    '### Warm invoke latency, concurrency 1 (ms)',
    '',
    warmTable(result, ran, hearth),
    '',
    '### Throughput (invokes/s; latency p99 in ms)',
    '',
    throughputTable(result, ran, hearth),
    '',
    ...warmingSection(result, ran, hearth),
    '### Cold start: first invoke of a new function (ms)',
    '',
    coldTable(result.targets, hearth),
    '',
    '### Memory per idle warm sandbox',
    '',
    memoryTable(result.targets, hearth),
    '',
    '### Async invoke',
    '',
    renderAsyncSection(result.async),
    '',
    '### Many functions: 200 functions round-robin, room for 20 sandboxes',
    '',
    manyTable(result.targets, hearth),
    '',
    renderVersionsSection(hearth),
    '',
    '### Hearth against its goals (issue 5)',
    '',
    goalsTable(result, hearth),
    ...againstProcessHop(result, hearth),
  ].join('\n');
}

/**
 * Hearth against the process-hop floor, which sets no goal: what Hearth adds beyond the one hop to
 * another process that isolation needs. Nothing for runs without that floor.
 */
function againstProcessHop(result: BenchResult, hearth: TargetResult | undefined): string[] {
  const hop = result.processHopFloor;
  const w = hearth?.warm;
  if (hop === undefined || w === undefined) return [];
  const share = result.plan.concurrencies
    .map((c) => `${pct(rateAt(w, c)?.perSecond, rateAt(hop, c)?.perSecond)} at c=${c}`)
    .join(', ');
  return [
    '',
    `Against the process-hop floor (no goal; what Hearth adds beyond the hop isolation needs): warm ` +
      `+${ms(w.latency.p50 - hop.latency.p50)} ms p50 and ${signedMs(w.latency.p99 - hop.latency.p99)} ms p99 over it; ` +
      `throughput ${share} of its rate.`,
  ];
}

function status(t: TargetResult): string {
  if (t.error !== undefined) return `could not run: \`${oneLine(t.error)}\``;
  const failed = Object.entries(t.phaseErrors ?? {}).map(([phase, error]) => `${phase} failed: \`${oneLine(error)}\``);
  return failed.length > 0 ? `ran; ${failed.join('; ')}` : 'ran';
}

function warmTable(result: BenchResult, ran: readonly TargetResult[], hearth: TargetResult | undefined): string {
  const floor = result.floor.latency;
  const h = hearth?.warm?.latency;
  const row = ({ name, warm: w, peer }: WarmRow): Row => [
    name,
    ms(w.latency.p50),
    ms(w.latency.p99),
    ms(w.latency.p999),
    name === 'HTTP floor' || name.startsWith('in-process')
      ? '—'
      : `+${ms(w.latency.p50 - floor.p50)} / +${ms(w.latency.p99 - floor.p99)}`,
    times(ratio(w.latency.p50, floor.p50) ?? Number.NaN),
    peer ? `${compare(h?.p50, w.latency.p50, 'lower')} / ${compare(h?.p99, w.latency.p99, 'lower')}` : '—',
  ];
  return table(
    ['target', 'p50', 'p99', 'p99.9', 'over HTTP floor p50 / p99', 'p50 ÷ HTTP floor', 'Hearth vs this (p50 / p99)'],
    [inProcessRow(result), ...warmRows(result, ran)].map(row),
  );
}

function throughputTable(result: BenchResult, ran: readonly TargetResult[], hearth: TargetResult | undefined): string {
  const levels = result.plan.concurrencies;
  const hop = result.processHopFloor;
  const share = (w: WarmResult, floor: WarmResult): string =>
    levels.map((c) => pct(rateAt(w, c)?.perSecond, rateAt(floor, c)?.perSecond)).join(' / ');
  const row = ({ name, warm: w, peer }: WarmRow): Row => [
    name,
    ...levels.flatMap((c) => [rateAt(w, c)?.perSecond.toFixed(0) ?? '—', ms(rateAt(w, c)?.latency.p99 ?? Number.NaN)]),
    share(w, result.floor),
    ...(hop !== undefined ? [share(w, hop)] : []),
    peer
      ? levels.map((c) => compare(rateAt(hearth?.warm, c)?.perSecond, rateAt(w, c)?.perSecond, 'higher')).join(' / ')
      : '—',
  ];
  const levelNames = levels.map((c) => `c=${c}`).join(' / ');
  return table(
    [
      'target',
      ...levels.flatMap((c) => [`c=${c} invokes/s`, `c=${c} p99`]),
      `of HTTP floor (${levelNames})`,
      ...(hop !== undefined ? [`of process-hop floor (${levelNames})`] : []),
      'Hearth vs this',
    ],
    [inProcessRow(result), ...warmRows(result, ran)].map(row),
  );
}

/**
 * The rate of each level's unmeasured warm-up, when the run kept it: the same loops on sandboxes
 * (and handler processes) that are new, as a burst that needs new sandboxes gets.
 */
function warmingSection(result: BenchResult, ran: readonly TargetResult[], hearth: TargetResult | undefined): string[] {
  const levels = result.plan.concurrencies;
  const rows = warmRows(result, ran);
  if (!rows.some(({ warm }) => warm.throughput.some((t) => t.warmup !== undefined))) return [];
  const warming = (w: WarmResult | undefined, c: number): number | undefined => rateAt(w, c)?.warmup?.perSecond;
  const row = ({ name, warm: w, peer }: WarmRow): Row => [
    name,
    ...levels.map((c) => {
      const run = rateAt(w, c)?.warmup;
      return run === undefined ? '—' : `${run.perSecond.toFixed(0)} (${run.completed} in ${run.seconds.toFixed(1)} s)`;
    }),
    levels.map((c) => pct(warming(w, c), rateAt(w, c)?.perSecond)).join(' / '),
    peer ? levels.map((c) => compare(warming(hearth?.warm, c), warming(w, c), 'higher')).join(' / ') : '—',
  ];
  const levelNames = levels.map((c) => `c=${c}`).join(' / ');
  return [
    '### Throughput while warming up (invokes/s)',
    '',
    "Each level above is measured after an unmeasured warm-up; this is the warm-up's own rate, the",
    'first invokes on the sandboxes (or handler processes) the level added, as a burst that needs new',
    'sandboxes runs.',
    '',
    table(
      [
        'target',
        ...levels.map((c) => `c=${c} while warming`),
        `of its measured rate (${levelNames})`,
        'Hearth vs this',
      ],
      rows.map(row),
    ),
    '',
  ];
}

function coldTable(targets: readonly TargetResult[], hearth: TargetResult | undefined): string {
  // A peer has one cold start; Hearth two: its default (the pre-started pool on) and without it.
  const versus = (h: LatencySummary | undefined, peer: LatencySummary): string =>
    `${compare(h?.p50, peer.p50, 'lower')} / ${compare(h?.p99, peer.p99, 'lower')}`;
  const rows: Row[] = [];
  for (const t of targets) {
    const name = t.name === 'hearth' ? 'hearth, without pool' : t.name;
    if (!t.cold) {
      rows.push([name, '—', '—', '—', '—', t.error ? 'could not run' : (t.phaseErrors?.['cold'] ?? 'not measured')]);
      continue;
    }
    const peer = t.name !== 'hearth';
    rows.push([
      name,
      ms(t.cold.p50, 1),
      ms(t.cold.p99, 1),
      peer ? versus(hearth?.poolCold, t.cold) : '—',
      peer ? versus(hearth?.cold, t.cold) : '—',
      `${t.cold.samples} new functions`,
    ]);
    if (t.name === 'hearth')
      rows.push(
        t.poolCold
          ? [
              'hearth, with pre-started pool',
              ms(t.poolCold.p50, 1),
              ms(t.poolCold.p99, 1),
              '—',
              '—',
              `${t.poolCold.samples} new functions, HEARTH_POOL_SIZE=2 (the default)`,
            ]
          : ['hearth, with pre-started pool', '—', '—', '—', '—', t.phaseErrors?.['poolCold'] ?? 'not measured'],
      );
  }
  return table(
    [
      'target',
      'p50',
      'p99',
      'Hearth as shipped (pool) vs this (p50 / p99)',
      'Hearth without pool vs this (p50 / p99)',
      'note',
    ],
    rows,
  );
}

function memoryTable(targets: readonly TargetResult[], hearth: TargetResult | undefined): string {
  // By PSS: the host's count of memory in use follows it, not RSS (docs/benchmarks.md, "Memory").
  const fit = (t: TargetResult | undefined): number | undefined => t?.memory?.fitIn4GiBPss ?? undefined;
  return table(
    [
      'target',
      'MiB per idle warm sandbox (PSS)',
      'MiB (RSS)',
      'warm sandboxes in 4 GiB (PSS)',
      'Hearth vs this (sandboxes in 4 GiB)',
      'how measured',
    ],
    targets.map((t) => [
      t.name,
      mib(t.memory?.perSandboxPssBytes),
      mib(t.memory?.perSandboxBytes),
      fit(t)?.toString() ?? '—',
      t.name === 'hearth' ? '—' : compare(fit(hearth), fit(t), 'higher'),
      t.memory?.method ?? (t.error ? 'could not run' : 'not measured'),
    ]),
  );
}

function manyTable(targets: readonly TargetResult[], hearth: TargetResult | undefined): string {
  const measured = (t: TargetResult | undefined): ManyFunctionsResult | undefined =>
    t?.many && 'functions' in t.many ? t.many : undefined;
  const h = measured(hearth);
  return table(
    [
      'target',
      'room for',
      'invokes',
      'cold starts',
      'p50 (ms)',
      'p99 (ms)',
      'Hearth vs this (p99)',
      'cold starts counted by',
    ],
    targets.map((t) => {
      const many = measured(t);
      if (!many) {
        const why =
          t.many && 'skipped' in t.many ? t.many.skipped : (t.phaseErrors?.['many'] ?? t.error ?? 'not measured');
        return [t.name, '—', '—', '—', '—', '—', '—', oneLine(why)];
      }
      return [
        t.name,
        many.room,
        String(many.invokes),
        `${many.coldStarts} (${((100 * many.coldStarts) / many.invokes).toFixed(0)} %)`,
        ms(many.latency.p50, 1),
        ms(many.latency.p99, 1),
        t.name === 'hearth' ? '—' : compare(h?.latency.p99, many.latency.p99, 'lower'),
        many.coldRule,
      ];
    }),
  );
}

function goalsTable(result: BenchResult, hearth: TargetResult | undefined): string {
  const w = hearth?.warm;
  const overP50 = w ? w.latency.p50 - result.floor.latency.p50 : undefined;
  const overP99 = w ? w.latency.p99 - result.floor.latency.p99 : undefined;
  const best = w ? Math.max(...w.throughput.map((t) => t.perSecond)) : undefined;
  const poolCold = hearth?.poolCold;
  const hearthCold = hearth?.cold;
  const isolationCold = isolationCost(result, hearth, (t) => t.cold?.p50);
  const isolationRss = isolationCost(result, hearth, (t) => t.memory?.perSandboxBytes);
  const isolationPss = isolationCost(result, hearth, (t) => t.memory?.perSandboxPssBytes);
  const verdict = (value: number | undefined, ok: (v: number) => boolean): string =>
    value === undefined ? 'not measured' : ok(value) ? 'met' : 'not met';
  return table(
    ['goal', 'measured', 'verdict'],
    [
      [
        'warm overhead over the floor ≤ 0.5 ms p50',
        `${ms(overP50 ?? Number.NaN)} ms`,
        verdict(overP50, (v) => v <= 0.5),
      ],
      ['warm overhead over the floor ≤ 2 ms p99', `${ms(overP99 ?? Number.NaN)} ms`, verdict(overP99, (v) => v <= 2)],
      [
        `≥ 5,000 invokes/s (best of c=${result.plan.concurrencies.join(', ')}; goal is for 2 cores, this machine has ${result.machine.cpus})`,
        best === undefined ? '—' : best.toFixed(0),
        verdict(best, (v) => v >= 5000),
      ],
      [
        'pool cold start p50 ≤ 15 ms',
        poolCold ? `${ms(poolCold.p50, 1)} ms` : '—',
        verdict(poolCold?.p50, (v) => v <= 15),
      ],
      [
        'pool cold start p99 ≤ 40 ms',
        poolCold ? `${ms(poolCold.p99, 1)} ms` : '—',
        verdict(poolCold?.p99, (v) => v <= 40),
      ],
      [
        `async events accepted durably ≥ ${ASYNC_ACCEPT_GOAL.toLocaleString('en-US')}/s (best client concurrency)`,
        bestAcceptRate(result.async)?.toFixed(0) ?? '—',
        verdict(bestAcceptRate(result.async), (v) => v >= ASYNC_ACCEPT_GOAL),
      ],
      [
        'cold start without the pool p50 ≤ 100 ms',
        hearthCold ? `${ms(hearthCold.p50, 1)} ms` : '—',
        verdict(hearthCold?.p50, (v) => v <= 100),
      ],
      [
        'isolation adds ≤ 5 ms to a start (cold p50, hearth − hearth-process)',
        isolationCold === undefined ? '—' : `${ms(isolationCold, 1)} ms`,
        verdict(isolationCold, (v) => v <= 5),
      ],
      [
        'idle sandbox beyond the runtime’s own ≤ 5 MiB (PSS, hearth − hearth-process)',
        isolationPss === undefined ? '—' : `${mib(isolationPss)} MiB (RSS ${mib(isolationRss)})`,
        verdict(isolationPss, (v) => v <= 5 * 1024 ** 2),
      ],
    ],
  );
}

/** What isolation adds: Hearth's value less the same run with plain processes (hearth-process). */
function isolationCost(
  result: BenchResult,
  hearth: TargetResult | undefined,
  value: (t: TargetResult) => number | null | undefined,
): number | undefined {
  const plain = result.targets.find((t) => t.name === 'hearth-process');
  const [a, b] = [hearth && value(hearth), plain && value(plain)];
  return a == null || b == null ? undefined : a - b;
}

/** A row of the warm-path tables: a floor or a target, and whether it is a peer of Hearth's. */
interface WarmRow {
  readonly name: string;
  readonly warm: WarmResult;
  readonly peer: boolean;
}

function inProcessRow(result: BenchResult): WarmRow {
  return { name: 'in-process handler (floor)', warm: result.inProcess, peer: false };
}

/** The servers of the warm phases in table order: the HTTP floor, the process-hop floor (if the run has it), each target that ran. */
function warmRows(result: BenchResult, ran: readonly TargetResult[]): WarmRow[] {
  const hop = result.processHopFloor;
  return [
    { name: 'HTTP floor', warm: result.floor, peer: false },
    ...(hop !== undefined ? [{ name: 'process-hop floor', warm: hop, peer: false }] : []),
    ...ran.map((t) => ({ name: t.name, warm: t.warm!, peer: t.name !== 'hearth' })),
  ];
}

/** The throughput level at concurrency `c` of a warm result, if it was measured. */
function rateAt(w: WarmResult | undefined, c: number): Throughput | undefined {
  return w?.throughput.find((t) => t.concurrency === c);
}

function pct(value: number | undefined, base: number | undefined): string {
  const r = ratio(value, base);
  return r === undefined ? '—' : `${(100 * r).toFixed(0)} %`;
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.replace(/\|/g, '\\|').slice(0, 200);
}
