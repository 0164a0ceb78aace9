// The async-invoke section of docs/benchmarks.md: events accepted durably per second (each 202
// after an fsynced commit) and 202 → completion under a backlog, against DESIGN.md's goal of
// ≥ 2,000 events/s. Pure: the measured result in, Markdown out.
import { DEFAULT_INTAKE_PRIORITY } from '../src/async-invoke/intake-priority.js';
import type { AsyncBenchResult } from './async.js';
import { table } from './markdown-table.js';
import { ms } from './stats.js';

export const ASYNC_ACCEPT_GOAL = 2000;

/** The best accept rate of the run, or undefined when async was not measured. */
export function bestAcceptRate(result: AsyncBenchResult | undefined): number | undefined {
  if (result === undefined || result.accept.length === 0) return undefined;
  return Math.max(...result.accept.map((rate) => rate.perSecond));
}

export function renderAsyncSection(result: AsyncBenchResult | undefined): string {
  if (result === undefined)
    return 'Not measured in this run (`--only` left out `hearth-async`, or it failed: see the log).';
  const accept = table(
    [
      'client concurrency',
      'events accepted',
      'events/s',
      `vs goal (${ASYNC_ACCEPT_GOAL.toLocaleString('en-US')}/s)`,
      '202 p50 (ms)',
      '202 p99 (ms)',
    ],
    result.accept.map((rate) => [
      String(rate.concurrency),
      String(rate.accepted),
      rate.perSecond.toFixed(0),
      `${((100 * rate.perSecond) / ASYNC_ACCEPT_GOAL).toFixed(0)} %`,
      ms(rate.latency.p50),
      ms(rate.latency.p99),
    ]),
  );
  const b = result.backlog;
  const retried = Object.entries(b.retried)
    .map(([cause, count]) => `${cause} ${count}`)
    .join(', ');
  const backlog = table(
    [
      'backlog',
      'all 202s in (s)',
      'all run after the first 202 (s)',
      '202 → completion p50 (ms)',
      'p99 (ms)',
      'retried',
    ],
    [
      [
        `${b.events} events at c=${b.concurrency}`,
        b.acceptSeconds.toFixed(2),
        b.drainSeconds.toFixed(2),
        b.completion.p50.toFixed(0),
        b.completion.p99.toFixed(0),
        retried === '' ? 'none' : retried,
      ],
    ],
  );
  const longest = Math.max(...result.accept.map((rate) => rate.seconds));
  return [
    'Hearth only: no peer keeps accepted events durably (LocalStack, the one that emulates async queues, is not in this run).',
    `Each accept phase starts with an empty queue and lasts up to ${longest.toFixed(1)} s, within the first ${DEFAULT_INTAKE_PRIORITY.windowMs / 1000} s of a burst, during which Hearth gives accepting priority over running the accepted events (docs/async.md, "Intake first, for a while"): these are burst rates. A sustained overload is accepted at the rate shared with running the events.`,
    '',
    accept,
    '',
    backlog,
  ].join('\n');
}
