// The measurements run on one server at a time: Hearth's cold starts with its pre-started pool and
// the many-functions run with room for fewer sandboxes than functions (side-by-side.ts has the
// phases every server runs at once), and the helpers they share.
import { setTimeout as delay } from 'node:timers/promises';
import type { ManyFunctionsResult } from './bench-result.js';
import { countColdStarts, decodeLogResult, type ManyInvoke } from './cold-starts.js';
import type { InvokeClient } from './invoke-client.js';
import type { Plan } from './plan.js';
import { treeMemory, type TreeMemory } from './process-tree.js';
import { ms, summarize, type LatencySummary } from './stats.js';
import type { BenchTarget } from './targets/bench-target.js';

export const BODY = Buffer.from(JSON.stringify({ hello: 'bench', n: 1 }));
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

export function sumTrees(roots: readonly number[]): TreeMemory {
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
