// Hearth's cold starts with its pre-started pool, measured on a server of their own (side-by-side.ts
// has the phases every server runs at once), and the helpers the measurements share.
import { setTimeout as delay } from 'node:timers/promises';
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

const benchStart = performance.now();

/** A progress line, prefixed with the seconds since the benchmark started (where the time goes). */
export function log(label: string, line: string): void {
  const elapsed = ((performance.now() - benchStart) / 1000).toFixed(1).padStart(5);
  console.log(`[${elapsed} s] ${label}: ${line}`);
}
