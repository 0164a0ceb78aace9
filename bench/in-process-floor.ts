// The lowest floor: the same handler called in a loop inside the benchmark process, no I/O.
// Latency per call is measured the same way as an invoke (hrtime around one awaited call).
import type { Plan } from './plan.js';
import type { Throughput, WarmResult } from './bench-result.js';
import { handler } from './echo-handler.js';
import { summarize } from './stats.js';

export async function measureInProcess(plan: Plan, body: Buffer): Promise<WarmResult> {
  const call = async (): Promise<number> => {
    const started = process.hrtime.bigint();
    await handler(JSON.parse(body.toString('utf8')));
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  for (let i = 0; i < plan.warmup; i += 1) await call();
  const samples: number[] = [];
  for (let i = 0; i < plan.warm; i += 1) samples.push(await call());
  const throughput: Throughput[] = [];
  for (const concurrency of plan.concurrencies) {
    const latencies: number[] = [];
    const started = performance.now();
    let issued = 0;
    const loop = async (): Promise<void> => {
      while (issued < plan.throughputCount && performance.now() - started < plan.throughputMs) {
        issued += 1;
        latencies.push(await call());
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    const seconds = (performance.now() - started) / 1000;
    throughput.push({
      concurrency,
      completed: latencies.length,
      seconds,
      perSecond: latencies.length / seconds,
      latency: summarize(latencies),
    });
  }
  return { latency: summarize(samples), throughput };
}
