// A small, fully specified BenchResult for the rendering and file tests.
import type { BenchResult, WarmResult } from './bench-result.js';
import { planFor } from './plan.js';
import { summarize } from './stats.js';

export function warm(p50: number, perSecond: number): WarmResult {
  const latency = summarize([p50, p50, p50 * 2]);
  return {
    latency,
    throughput: [8, 32].map((concurrency) => ({ concurrency, completed: perSecond, seconds: 1, perSecond, latency })),
  };
}

export function sampleResult(date = '2025-01-01T10:00:00.000Z'): BenchResult {
  const MiB = 1024 ** 2;
  return {
    date,
    command: 'npm run bench -- --quick',
    quick: true,
    machine: { cpus: 2, cpuModel: 'test cpu', memoryGiB: 4, kernel: '6.1', node: 'v20.0.0', platform: 'linux x64' },
    plan: planFor(true),
    notes: ['every process started without NODE_EXTRA_CA_CERTS'],
    inProcess: warm(0.001, 900_000),
    floor: warm(0.1, 10_000),
    processHopFloor: warm(0.2, 8_000),
    targets: [
      {
        name: 'hearth',
        version: 'hearth@0.1.0',
        how: 'Invoke API',
        warm: warm(0.4, 5_000),
        cold: summarize([30, 40]),
        poolCold: summarize([8, 12]),
        memory: {
          perSandboxBytes: 40 * MiB,
          fitIn4GiB: 102,
          perSandboxPssBytes: 12 * MiB,
          fitIn4GiBPss: 341,
          method: 'child processes',
        },
        many: {
          functions: 200,
          room: '20',
          invokes: 400,
          coldStarts: 400,
          latency: summarize([30, 60]),
          coldRule: 'init-duration',
        },
      },
      {
        name: 'serverless-offline',
        version: 'serverless@3',
        how: 'Invoke API',
        warm: warm(1.2, 1_000),
        cold: summarize([120, 160]),
        memory: {
          perSandboxBytes: 10 * MiB,
          fitIn4GiB: 409,
          perSandboxPssBytes: 16 * MiB,
          fitIn4GiBPss: 256,
          method: 'in-process',
        },
        many: { skipped: 'no cap' },
      },
      { name: 'architect-sandbox', version: '@architect/sandbox@8', how: 'HTTP route', error: 'Error: boom | bad' },
    ],
  };
}
