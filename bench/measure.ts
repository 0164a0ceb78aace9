// The measurements, the same for the floor, Hearth and every peer: warm latency and throughput
// on one function, cold starts on new functions (then the weight of their idle sandboxes), and
// the many-functions run with room for fewer sandboxes than functions.
import { setTimeout as delay } from 'node:timers/promises';
import type { ManyFunctionsResult, TargetResult, Throughput, WarmResult } from './bench-result.js';
import { countColdStarts, decodeLogResult, type ManyInvoke } from './cold-starts.js';
import type { InvokeClient, InvokeTarget } from './invoke-client.js';
import type { Plan } from './plan.js';
import { treeMemory, type TreeMemory } from './process-tree.js';
import { sandboxMemory } from './sandbox-memory.js';
import { mib, ms, summarize, type LatencySummary } from './stats.js';
import type { BenchTarget, RunningTarget } from './targets/bench-target.js';

export const BODY = Buffer.from(JSON.stringify({ hello: 'bench', n: 1 }));
const WARM_FUNCTION = 'echo';

export async function measureWarm(
  label: string,
  client: InvokeClient,
  target: InvokeTarget,
  plan: Plan,
): Promise<WarmResult> {
  await client.sequential(target, BODY, plan.warmup, plan.warmMs / 3);
  const latency = summarize(await client.sequential(target, BODY, plan.warm, plan.warmMs));
  log(
    label,
    `warm c=1 p50 ${ms(latency.p50)} p99 ${ms(latency.p99)} p99.9 ${ms(latency.p999)} ms (${latency.samples})`,
  );
  const throughput: Throughput[] = [];
  for (const concurrency of plan.concurrencies) {
    // Unmeasured first, so every concurrent loop has a warm sandbox: otherwise the run would time
    // the cold starts of the sandboxes the higher concurrency needs (24 of them going 8 → 32).
    await client.concurrent(target, BODY, concurrency, concurrency * 25, plan.warmMs / 3);
    const run = await client.concurrent(target, BODY, concurrency, plan.throughputCount, plan.throughputMs);
    const perSecond = run.completed / run.seconds;
    throughput.push({
      concurrency,
      completed: run.completed,
      seconds: run.seconds,
      perSecond,
      latency: summarize(run.latencies),
    });
    log(
      label,
      `${perSecond.toFixed(0)} invokes/s at c=${concurrency} (${run.completed} in ${run.seconds.toFixed(1)} s)`,
    );
  }
  return { latency, throughput };
}

/** Warm, cold and memory on one server with the warm function plus `plan.cold` new ones. */
export async function measureTarget(client: InvokeClient, bench: BenchTarget, plan: Plan): Promise<TargetResult> {
  const base = { name: bench.name, version: bench.version, how: bench.how };
  const coldFunctions = Array.from({ length: plan.cold }, (_, i) => `cold${i}`);
  let running: RunningTarget;
  try {
    running = await bench.start({ functions: [WARM_FUNCTION, ...coldFunctions] });
  } catch (error) {
    log(bench.name, `could not start: ${firstLines(error)}`);
    return { ...base, error: firstLines(error) };
  }
  const { attempt, phaseErrors } = phases(bench.name);
  try {
    const warm = await attempt('warm', () =>
      measureWarm(bench.name, client, running.invokeTarget(WARM_FUNCTION), plan),
    );
    const coldAndMemory = await attempt('cold', async () => {
      const roots = running.memoryRoots(coldFunctions);
      const before = sumTrees(roots);
      const samples: number[] = [];
      for (const fn of coldFunctions) {
        await delay(plan.coldGapMs);
        samples.push(await client.invoke(running.invokeTarget(fn), BODY));
      }
      const memory = sandboxMemory(bench.memoryModel, before, sumTrees(roots), coldFunctions.length);
      const cold = summarize(samples);
      log(
        bench.name,
        `cold p50 ${ms(cold.p50, 1)} p99 ${ms(cold.p99, 1)} ms; idle sandbox ${mib(memory.perSandboxBytes)} MiB (PSS ${mib(memory.perSandboxPssBytes)})`,
      );
      return { cold, memory };
    });
    return { ...base, warm, ...coldAndMemory, ...(Object.keys(phaseErrors).length > 0 ? { phaseErrors } : {}) };
  } finally {
    await running.stop();
  }
}

/** Hearth's cold starts on a server with its pre-started pool: the same functions, gaps and client. */
export async function measurePoolCold(client: InvokeClient, bench: BenchTarget, plan: Plan): Promise<LatencySummary> {
  const functions = Array.from({ length: plan.cold }, (_, i) => `pooled${i}`);
  const running = await bench.start({ functions, env: { HEARTH_POOL_SIZE: '2' } });
  try {
    const samples: number[] = [];
    for (const fn of functions) {
      await delay(plan.coldGapMs);
      samples.push(await client.invoke(running.invokeTarget(fn), BODY));
    }
    const cold = summarize(samples);
    log(bench.name, `cold with the pre-started pool p50 ${ms(cold.p50, 1)} p99 ${ms(cold.p99, 1)} ms`);
    return cold;
  } finally {
    await running.stop();
  }
}

/** `plan.manyFunctions` functions invoked round-robin, on a server with room for `plan.manyRoom`. */
export async function measureMany(
  client: InvokeClient,
  bench: BenchTarget,
  plan: Plan,
): Promise<ManyFunctionsResult | { skipped: string }> {
  if (bench.manyFunctionsSkip !== undefined) return { skipped: bench.manyFunctionsSkip };
  const functions = Array.from({ length: plan.manyFunctions }, (_, i) => `many${i}`);
  const running = await bench.start({ functions, maxSandboxes: plan.manyRoom });
  try {
    const invokes: ManyInvoke[] = [];
    const latencies: number[] = [];
    for (let round = 0; round < plan.manyRounds; round += 1) {
      for (const fn of functions) {
        const target = { ...running.invokeTarget(fn), headers: { 'x-amz-log-type': 'Tail' } };
        const answer = await client.send(target, BODY);
        latencies.push(answer.ms);
        invokes.push({ fn, logTail: decodeLogResult(answer.headers['x-amz-log-result']) });
      }
    }
    const result: ManyFunctionsResult = {
      functions: functions.length,
      room: bench.coldRule === 'init-duration' ? `${plan.manyRoom} (${bench.capNote}=${plan.manyRoom})` : bench.capNote,
      invokes: invokes.length,
      coldStarts: countColdStarts(bench.coldRule, invokes),
      latency: summarize(latencies),
      coldRule: bench.coldRule,
    };
    log(
      bench.name,
      `many: ${result.coldStarts}/${result.invokes} cold, p50 ${ms(result.latency.p50, 1)} p99 ${ms(result.latency.p99, 1)} ms`,
    );
    return result;
  } finally {
    await running.stop();
  }
}

function sumTrees(roots: readonly number[]): TreeMemory {
  const trees = roots.map(treeMemory);
  return {
    rootBytes: trees.reduce((sum, t) => sum + t.rootBytes, 0),
    descendantBytes: trees.reduce((sum, t) => sum + t.descendantBytes, 0),
    rootPssBytes: trees.reduce((sum, t) => sum + t.rootPssBytes, 0),
    descendantPssBytes: trees.reduce((sum, t) => sum + t.descendantPssBytes, 0),
    descendants: trees.reduce((sum, t) => sum + t.descendants, 0),
  };
}

/**
 * Runs the phases of one target so that a failing phase is logged and recorded and the others
 * still run: `attempt` gives undefined for a phase that threw, `phaseErrors` what each said.
 */
export function phases(label: string): {
  attempt: <T>(phase: string, run: () => Promise<T>) => Promise<T | undefined>;
  phaseErrors: Record<string, string>;
} {
  const phaseErrors: Record<string, string> = {};
  const attempt = async <T>(phase: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      phaseErrors[phase] = firstLines(error);
      log(label, `${phase} failed: ${phaseErrors[phase]}`);
      return undefined;
    }
  };
  return { attempt, phaseErrors };
}

export function firstLines(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 6).join('\n');
}

export function log(label: string, line: string): void {
  console.log(`${label}: ${line}`);
}
