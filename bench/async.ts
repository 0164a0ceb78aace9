// Asynchronous invocation (InvocationType Event, docs/async.md): how many events Hearth accepts
// durably per second (each 202 follows an fsynced commit), one after another and at c=8 and
// c=32, and how long events wait from their 202 to the end of their run under a backlog.
// Each accept phase (at most 3 s) starts with an empty queue. Hearth runs one event at a time
// during the first 5 s of an intake burst (docs/async.md, "Intake first"), so these are burst
// rates: a steady load past 5 s is accepted at the rate left beside running the events.
// Completions are read from Hearth's own metrics (hearth_async_events_finished_total), polled
// every 25 ms; the k-th completion is paired with the k-th 202 (events run roughly in order).
// DESIGN.md's goal: ≥ 2,000 events/s accepted durably.
import { inLoops, InvokeClient, type InvokeTarget } from './invoke-client.js';
import { summarize, type LatencySummary } from './stats.js';
import type { RunningTarget } from './targets/bench-target.js';
import { hearthTarget } from './targets/hearth-target.js';

export interface AsyncAcceptRate {
  readonly concurrency: number;
  readonly accepted: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Client-side time to the 202 (ms). */
  readonly latency: LatencySummary;
}

export interface AsyncBacklog {
  readonly events: number;
  readonly concurrency: number;
  /** Seconds to get every 202. */
  readonly acceptSeconds: number;
  /** Seconds from the first 202 to the last completion. */
  readonly drainSeconds: number;
  /** 202 → completion per event (ms), k-th 202 paired with the k-th completion. */
  readonly completion: LatencySummary;
  /** hearth_async_events_retried_total of the backlog's function, by cause (throttles show up here). */
  readonly retried: Readonly<Record<string, number>>;
}

export interface AsyncBenchResult {
  readonly accept: readonly AsyncAcceptRate[];
  readonly backlog: AsyncBacklog;
}

export interface AsyncPlan {
  /** Most events per accept-rate run, and the longest it may take. */
  readonly acceptCount: number;
  readonly acceptMs: number;
  readonly backlogEvents: number;
}

export const ASYNC_PLAN: AsyncPlan = { acceptCount: 6000, acceptMs: 3000, backlogEvents: 2000 };
export const ASYNC_QUICK_PLAN: AsyncPlan = { acceptCount: 1000, acceptMs: 1000, backlogEvents: 500 };

const EVENT = Buffer.from('{"hello":"bench","n":1}');

/** Starts its own Hearth (isolated sandboxes where the host allows), measures, stops it. */
export async function measureAsync(
  version: string,
  plan: AsyncPlan = ASYNC_PLAN,
  variant: 'hearth' | 'hearth-process' = 'hearth',
): Promise<AsyncBenchResult> {
  const running = await hearthTarget(version, variant).start({ functions: ['async-accept', 'async-backlog'] });
  const client = new InvokeClient(32);
  try {
    const target = eventTarget(running.invokeTarget('async-accept'));
    const accept: AsyncAcceptRate[] = [];
    let total = 0;
    for (const concurrency of [1, 8, 32]) {
      const rate = await acceptRate(client, target, concurrency, plan);
      accept.push(rate);
      // Each phase starts with an empty queue: no backlog of the one before runs during it.
      total += rate.accepted;
      await drained(client, target, 'async-accept', total);
    }
    const backlog = await measureBacklog(client, running, plan.backlogEvents, 32);
    return { accept, backlog };
  } finally {
    client.close();
    await running.stop();
  }
}

export function eventTarget(target: InvokeTarget): InvokeTarget {
  return { ...target, headers: { ...target.headers, 'X-Amz-Invocation-Type': 'Event' } };
}

/** Events sent by `concurrency` loops, each waiting for its 202, until the plan's count or time runs out. */
export async function acceptRate(
  client: InvokeClient,
  target: InvokeTarget,
  concurrency: number,
  plan: AsyncPlan,
): Promise<AsyncAcceptRate> {
  const { latencies, seconds } = await inLoops(
    concurrency,
    plan.acceptCount,
    plan.acceptMs,
    async () => (await request(client, target, 'POST', target.path, EVENT, 202)).ms,
  );
  return {
    concurrency,
    accepted: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    latency: summarize(latencies),
  };
}

async function measureBacklog(
  client: InvokeClient,
  running: RunningTarget,
  events: number,
  concurrency: number,
): Promise<AsyncBacklog> {
  const target = eventTarget(running.invokeTarget('async-backlog'));
  const accepted: number[] = [];
  const completed: number[] = [];
  let done = false;
  // Completion times, sampled from the metrics while the events are sent and run.
  const watcher = (async () => {
    let seen = 0;
    while (!done) {
      const count = await finishedCount(client, target, 'async-backlog');
      const now = performance.now();
      for (; seen < count; seen += 1) completed.push(now);
      if (count >= events) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  const started = performance.now();
  let issued = 0;
  const loop = async (): Promise<void> => {
    while (issued < events) {
      issued += 1;
      await request(client, target, 'POST', target.path, EVENT, 202);
      accepted.push(performance.now());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const acceptSeconds = (performance.now() - started) / 1000;
  const deadline = Date.now() + 600_000;
  const timeout = new Promise<void>((_, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`backlog not drained in 10 minutes (${completed.length}/${events})`)),
      deadline - Date.now(),
    );
    void watcher.finally(() => clearTimeout(timer));
  });
  try {
    await Promise.race([watcher, timeout]);
  } finally {
    done = true;
  }
  const metrics = (await request(client, target, 'GET', '/hearth/metrics', Buffer.alloc(0), 200)).body;
  const retried: Record<string, number> = {};
  for (const match of metrics.matchAll(
    /^hearth_async_events_retried_total\{function="async-backlog",cause="([^"]+)"\} (\d+)$/gm,
  )) {
    retried[match[1] ?? '?'] = Number(match[2]);
  }
  accepted.sort((a, b) => a - b);
  const waits = completed.map((at, k) => Math.max(0, at - (accepted[k] ?? at)));
  const first = accepted[0] ?? started;
  return {
    events,
    concurrency,
    acceptSeconds,
    drainSeconds: ((completed[completed.length - 1] ?? first) - first) / 1000,
    completion: summarize(waits),
    retried,
  };
}

/** How many events of `fn` have run successfully, from Hearth's metrics. */
export async function finishedCount(client: InvokeClient, target: InvokeTarget, fn: string): Promise<number> {
  const series = `hearth_async_events_finished_total{function="${fn}",condition="Success"}`;
  const text = (await request(client, target, 'GET', '/hearth/metrics', Buffer.alloc(0), 200)).body;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Waits until `count` events of `fn` have run (polled every 20 ms, at most 2 minutes); the seconds it took. */
export async function drained(client: InvokeClient, target: InvokeTarget, fn: string, count: number): Promise<number> {
  const started = performance.now();
  while ((await finishedCount(client, target, fn)) < count) {
    if (performance.now() - started > 120_000) throw new Error(`${fn}: ${count} events not run in 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return (performance.now() - started) / 1000;
}

/** One signed request; rejects unless it is answered with `expected`. */
export async function request(
  client: InvokeClient,
  target: InvokeTarget,
  method: 'GET' | 'POST',
  path: string,
  body: Buffer,
  expected: number,
): Promise<{ ms: number; body: string }> {
  const { ms, response } = await client.request(target, method, path, body);
  const text = response.body.toString('utf8');
  if (response.status !== expected)
    throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return { ms, body: text };
}

/** One line per measurement, for the run's log. */
export function describeAsync(result: AsyncBenchResult): string[] {
  const lines = result.accept.map(
    (rate) =>
      `async accept c=${rate.concurrency}: ${rate.perSecond.toFixed(0)} events/s (${rate.accepted} in ${rate.seconds.toFixed(2)} s), 202 p50 ${rate.latency.p50.toFixed(2)} ms p99 ${rate.latency.p99.toFixed(2)} ms`,
  );
  const b = result.backlog;
  lines.push(
    `async backlog: ${b.events} events at c=${b.concurrency} accepted in ${b.acceptSeconds.toFixed(2)} s, all run ${b.drainSeconds.toFixed(2)} s after the first 202; 202→completion p50 ${b.completion.p50.toFixed(0)} ms p99 ${b.completion.p99.toFixed(0)} ms; retried: ${JSON.stringify(b.retried)}`,
  );
  return lines;
}
