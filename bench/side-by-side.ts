// The phases every server runs at once, interleaved (interleave.ts): warm latency at c=1 and
// throughput on one function, then the cold starts of new functions and the weight of their idle
// sandboxes; and, on servers of their own with room for fewer sandboxes than functions, the
// many-functions run. All servers (the two floors, Hearth and each peer) are started first; each
// phase is cut into rounds, each round gives every server one slice, the order rotated each round.
// This host's speed moves by tens of percent within minutes: run one server after another and
// that drift lands between them; interleaved, it lands on all of them alike.
//
// A server that fails is taken out of the rest of its phase (its error is kept); the others go on.
import { setTimeout as delay } from 'node:timers/promises';
import type { ManyFunctionsResult, RateRun, TargetResult, Throughput, WarmResult } from './bench-result.js';
import { countColdStarts, decodeLogResult, type ManyInvoke } from './cold-starts.js';
import { evenShares, interleavedOrder } from './interleave.js';
import type { InvokeClient, InvokeTarget } from './invoke-client.js';
import { BODY, firstLines, log, sumTrees } from './measure.js';
import type { Plan } from './plan.js';
import type { TreeMemory } from './process-tree.js';
import { sandboxMemory } from './sandbox-memory.js';
import { mib, ms, summarize } from './stats.js';
import type { BenchTarget, RunningTarget, StartSpec } from './targets/bench-target.js';

export const WARM_FUNCTION = 'echo';

/** A server in the warm phases: its label and its warm function's address. */
export interface WarmEntry {
  readonly label: string;
  readonly target: InvokeTarget;
}

/** Per label: what the warm phases measured, or why the server left them. */
export type WarmOutcome = { readonly warm: WarmResult } | { readonly error: string };

/** Failures of the servers taken out of a phase, by label. */
class Dropouts {
  private readonly errors = new Map<string, string>();

  has(label: string): boolean {
    return this.errors.has(label);
  }

  error(label: string): string | undefined {
    return this.errors.get(label);
  }

  /**
   * Every round of interleavedOrder over `labels`, one slice of each server per round: `run(index,
   * round)` for the server at `index`, skipping those already out.
   */
  async inRounds(
    labels: readonly string[],
    rounds: number,
    phase: string,
    run: (index: number, round: number) => Promise<void>,
  ): Promise<void> {
    for (const [round, visits] of interleavedOrder(labels.length, rounds).entries())
      for (const index of visits) await this.slice(labels[index]!, phase, () => run(index, round));
  }

  /** Runs one server's slice; a throw takes that server out (logged with the phase). */
  async slice(label: string, phase: string, run: () => Promise<void>): Promise<void> {
    if (this.errors.has(label)) return;
    try {
      await run();
    } catch (error) {
      this.errors.set(label, `${phase}: ${firstLines(error)}`);
      log(label, `${phase} failed: ${firstLines(error)}`);
    }
  }
}

/** Warm latency (c=1) and throughput (each of plan.concurrencies) of every entry, interleaved. */
export async function measureWarmInterleaved(
  client: InvokeClient,
  entries: readonly WarmEntry[],
  plan: Plan,
): Promise<Map<string, WarmOutcome>> {
  const rounds = plan.interleaveRounds;
  const out = new Dropouts();
  const labels = entries.map((entry) => entry.label);
  const inRounds = (phase: string, run: (entry: WarmEntry, round: number) => Promise<void>): Promise<void> =>
    out.inRounds(labels, rounds, phase, (index, round) => run(entries[index]!, round));

  for (const entry of entries)
    await out.slice(entry.label, 'warm-up', () =>
      client.sequential(entry.target, BODY, plan.warmup, plan.warmMs / 3).then(() => undefined),
    );
  const sequential = new Map(entries.map((entry) => [entry.label, [] as number[]]));
  const warmShares = evenShares(plan.warm, rounds);
  await inRounds('warm c=1', async (entry, round) => {
    const latencies = await client.sequential(entry.target, BODY, warmShares[round]!, plan.warmMs / rounds);
    sequential.get(entry.label)!.push(...latencies);
  });

  const throughput = new Map(entries.map((entry) => [entry.label, [] as Throughput[]]));
  const countShares = evenShares(plan.throughputCount, rounds);
  for (const concurrency of plan.concurrencies) {
    // Unmeasured first, so every concurrent loop has a warm sandbox: otherwise the run would time
    // the cold starts of the sandboxes the higher concurrency needs (24 of them going 8 → 32), and
    // the JIT warm-up of their new runtimes (docs/benchmarks.md, "Warm-up").
    // Its rate is kept: how fast a burst runs on sandboxes that are new.
    const warmups = new Map<string, RateRun>();
    for (const entry of entries)
      await out.slice(entry.label, `warm-up c=${concurrency}`, async () => {
        const run = await client.concurrent(
          entry.target,
          BODY,
          concurrency,
          concurrency * plan.warmupPerLoop,
          plan.warmupLoopMs,
        );
        const perSecond = run.completed / run.seconds;
        warmups.set(entry.label, { completed: run.completed, seconds: run.seconds, perSecond });
        log(
          entry.label,
          `warm-up at c=${concurrency}: ${perSecond.toFixed(0)} invokes/s (${run.completed} in ${run.seconds.toFixed(1)} s)`,
        );
      });
    const runs = new Map(
      entries.map((entry) => [entry.label, { completed: 0, seconds: 0, latencies: [] as number[] }]),
    );
    await inRounds(`c=${concurrency}`, async (entry, round) => {
      const run = await client.concurrent(
        entry.target,
        BODY,
        concurrency,
        countShares[round]!,
        plan.throughputMs / rounds,
      );
      const sum = runs.get(entry.label)!;
      sum.completed += run.completed;
      sum.seconds += run.seconds;
      sum.latencies.push(...run.latencies);
    });
    for (const entry of entries) {
      const sum = runs.get(entry.label)!;
      if (out.has(entry.label) || sum.seconds === 0) continue;
      const perSecond = sum.completed / sum.seconds;
      const warmup = warmups.get(entry.label);
      throughput.get(entry.label)!.push({
        concurrency,
        completed: sum.completed,
        seconds: sum.seconds,
        perSecond,
        latency: summarize(sum.latencies),
        ...(warmup !== undefined ? { warmup } : {}),
      });
      log(
        entry.label,
        `${perSecond.toFixed(0)} invokes/s at c=${concurrency} (${sum.completed} in ${sum.seconds.toFixed(1)} s, ${rounds} slices)`,
      );
    }
  }

  const outcomes = new Map<string, WarmOutcome>();
  for (const entry of entries) {
    const error = out.error(entry.label);
    if (error !== undefined) {
      outcomes.set(entry.label, { error });
      continue;
    }
    const latency = summarize(sequential.get(entry.label)!);
    log(
      entry.label,
      `warm c=1 p50 ${ms(latency.p50)} p99 ${ms(latency.p99)} p99.9 ${ms(latency.p999)} ms (${latency.samples}, ${rounds} slices)`,
    );
    outcomes.set(entry.label, { warm: { latency, throughput: throughput.get(entry.label)! } });
  }
  return outcomes;
}

/** A started peer or Hearth in the side-by-side phases. */
export interface Started {
  readonly bench: BenchTarget;
  readonly running: RunningTarget;
}

/**
 * The first invoke of each of `functions` on every server, interleaved function by function (each
 * after plan.coldGapMs), then the weight each server's process tree gained per new sandbox.
 */
export async function measureColdInterleaved(
  client: InvokeClient,
  servers: readonly Started[],
  functions: readonly string[],
  plan: Plan,
): Promise<Map<string, Pick<TargetResult, 'cold' | 'memory'> | { readonly error: string }>> {
  const out = new Dropouts();
  const before = new Map<string, TreeMemory>();
  for (const { bench, running } of servers) before.set(bench.name, sumTrees(running.memoryRoots(functions)));
  const samples = new Map(servers.map(({ bench }) => [bench.name, [] as number[]]));
  const labels = servers.map(({ bench }) => bench.name);
  await out.inRounds(labels, functions.length, 'cold', async (index, round) => {
    const { bench, running } = servers[index]!;
    await delay(plan.coldGapMs);
    samples.get(bench.name)!.push(await client.invoke(running.invokeTarget(functions[round]!), BODY));
  });
  const outcomes = new Map<string, Pick<TargetResult, 'cold' | 'memory'> | { readonly error: string }>();
  for (const { bench, running } of servers) {
    const error = out.error(bench.name);
    if (error !== undefined) {
      outcomes.set(bench.name, { error });
      continue;
    }
    const after = sumTrees(running.memoryRoots(functions));
    const memory = sandboxMemory(bench.memoryModel, before.get(bench.name)!, after, functions.length);
    const cold = summarize(samples.get(bench.name)!);
    log(
      bench.name,
      `cold p50 ${ms(cold.p50, 1)} p99 ${ms(cold.p99, 1)} ms; idle sandbox ${mib(memory.perSandboxBytes)} MiB (PSS ${mib(memory.perSandboxPssBytes)})`,
    );
    outcomes.set(bench.name, { cold, memory });
  }
  return outcomes;
}

/** Starts each target with `spec`; one that cannot start is logged and named in `failed`, the others go on. */
async function startEach(
  benches: readonly BenchTarget[],
  spec: StartSpec,
  what: string,
): Promise<{ started: Started[]; failed: Map<string, string> }> {
  const started: Started[] = [];
  const failed = new Map<string, string>();
  for (const bench of benches) {
    try {
      const begun = performance.now();
      started.push({ bench, running: await bench.start(spec) });
      log(bench.name, `${what} started in ${((performance.now() - begun) / 1000).toFixed(1)} s`);
    } catch (error) {
      log(bench.name, `${what} could not start: ${firstLines(error)}`);
      failed.set(bench.name, firstLines(error));
    }
  }
  return { started, failed };
}

/**
 * Starts every target (with the warm function and plan.cold new ones), measures them and the
 * floors side by side (the floors in the warm phases only), and stops them. Returns each floor's
 * warm outcome, in the order given, and one result per target.
 */
export async function measureSideBySide(
  client: InvokeClient,
  floors: readonly WarmEntry[],
  benches: readonly BenchTarget[],
  plan: Plan,
): Promise<{ floors: WarmOutcome[]; targets: TargetResult[] }> {
  const coldFunctions = Array.from({ length: plan.cold }, (_, i) => `cold${i}`);
  const base = (bench: BenchTarget): TargetResult => ({ name: bench.name, version: bench.version, how: bench.how });
  const { started, failed } = await startEach(benches, { functions: [WARM_FUNCTION, ...coldFunctions] }, 'server');
  const failedToStart = benches.flatMap((bench): TargetResult[] => {
    const error = failed.get(bench.name);
    return error === undefined ? [] : [{ ...base(bench), error }];
  });
  try {
    const warm = await measureWarmInterleaved(
      client,
      [
        ...floors,
        ...started.map(({ bench, running }) => ({ label: bench.name, target: running.invokeTarget(WARM_FUNCTION) })),
      ],
      plan,
    );
    const cold = await measureColdInterleaved(client, started, coldFunctions, plan);
    const targets = started.map(({ bench }): TargetResult => {
      const phaseErrors: Record<string, string> = {};
      const warmOutcome = warm.get(bench.name)!;
      const coldOutcome = cold.get(bench.name)!;
      if ('error' in warmOutcome) phaseErrors['warm'] = warmOutcome.error;
      if ('error' in coldOutcome) phaseErrors['cold'] = coldOutcome.error;
      return {
        ...base(bench),
        ...('warm' in warmOutcome ? { warm: warmOutcome.warm } : {}),
        ...('error' in coldOutcome ? {} : coldOutcome),
        ...(Object.keys(phaseErrors).length > 0 ? { phaseErrors } : {}),
      };
    });
    return { floors: floors.map((floor) => warm.get(floor.label)!), targets: [...targets, ...failedToStart] };
  } finally {
    for (const { running } of started) await running.stop();
  }
}

/** Per target: the many-functions run, why it does not apply, or why it failed. */
export type ManyOutcome = ManyFunctionsResult | { readonly skipped: string } | { readonly error: string };

/**
 * The many-functions run on every target at once: plan.manyFunctions functions invoked round-robin
 * plan.manyRounds times, on servers with room for plan.manyRoom sandboxes. Each server's sequence
 * of invokes is cut into plan.manySlices slices and interleaved like the warm phases; a slice is
 * long (50 invokes in the full run) so that what one server does in the background after an invoke
 * (an eviction's teardown, a refill) spills into another's only at the end of a slice.
 */
export async function measureManyInterleaved(
  client: InvokeClient,
  benches: readonly BenchTarget[],
  plan: Plan,
): Promise<Map<string, ManyOutcome>> {
  const outcomes = new Map<string, ManyOutcome>();
  const functions = Array.from({ length: plan.manyFunctions }, (_, i) => `many${i}`);
  const sequence = Array.from({ length: plan.manyRounds }, () => functions).flat();
  for (const bench of benches)
    if (bench.manyFunctionsSkip !== undefined) outcomes.set(bench.name, { skipped: bench.manyFunctionsSkip });
  const { started, failed } = await startEach(
    benches.filter((bench) => bench.manyFunctionsSkip === undefined),
    { functions, maxSandboxes: plan.manyRoom },
    'many-functions server',
  );
  for (const [name, error] of failed) outcomes.set(name, { error });
  try {
    const out = new Dropouts();
    const invokes = new Map(started.map(({ bench }) => [bench.name, [] as ManyInvoke[]]));
    const latencies = new Map(started.map(({ bench }) => [bench.name, [] as number[]]));
    const shares = evenShares(sequence.length, plan.manySlices);
    const starts = shares.map((_, i) => shares.slice(0, i).reduce((a, b) => a + b, 0));
    const labels = started.map(({ bench }) => bench.name);
    await out.inRounds(labels, plan.manySlices, 'many', async (index, round) => {
      const { bench, running } = started[index]!;
      for (const fn of sequence.slice(starts[round]!, starts[round]! + shares[round]!)) {
        const target = { ...running.invokeTarget(fn), headers: { 'x-amz-log-type': 'Tail' } };
        const answer = await client.send(target, BODY);
        latencies.get(bench.name)!.push(answer.ms);
        invokes.get(bench.name)!.push({ fn, logTail: decodeLogResult(answer.headers['x-amz-log-result']) });
      }
    });
    for (const { bench } of started) {
      const error = out.error(bench.name);
      if (error !== undefined) {
        outcomes.set(bench.name, { error });
        continue;
      }
      const result: ManyFunctionsResult = {
        functions: functions.length,
        room:
          bench.coldRule === 'init-duration' ? `${plan.manyRoom} (${bench.capNote}=${plan.manyRoom})` : bench.capNote,
        invokes: invokes.get(bench.name)!.length,
        coldStarts: countColdStarts(bench.coldRule, invokes.get(bench.name)!),
        latency: summarize(latencies.get(bench.name)!),
        coldRule: bench.coldRule,
      };
      log(
        bench.name,
        `many: ${result.coldStarts}/${result.invokes} cold, p50 ${ms(result.latency.p50, 1)} p99 ${ms(result.latency.p99, 1)} ms (${plan.manySlices} slices)`,
      );
      outcomes.set(bench.name, result);
    }
    return outcomes;
  } finally {
    for (const { running } of started) await running.stop();
  }
}
