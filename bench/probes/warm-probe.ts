// Ad-hoc probe of Hearth's warm invoke path (issue 5): latency at c=1, throughput at c=8, and the
// CPU each invoke costs in the benchmark client, in the Hearth server and in the runtime process
// (from /proc: utime + stime of the server and of its descendants, before and after each phase).
// With --profile DIR it also writes V8 CPU profiles of the server and of
// the Node runtime (through a HEARTH_NODE wrapper; the runtime is asked to exit with SIGUSR2 so its
// profile is written, since Hearth ends sandboxes with SIGKILL).
//
// With --perf DIR it records each phase with `perf record -g` (server and runtimes, JIT symbols
// from --perf-basic-prof): CPU time, kernel included, unlike V8's sampling profiler, which also
// counts time a preempted thread spends waiting for a core.
//
//   npx tsc -p tsconfig.json && node build/bench/probes/warm-probe.js [--isolation off|auto]
//     [--n 3000] [--seconds 5] [--concurrency 1,8] [--profile /tmp/prof] [--perf /tmp/perf] [--rounds 1] [--floor] [--series PREFIX]
//     [--runtime-node-flags '--single-threaded-gc']
//
// With --floor the two floors (bench/floors.ts) run the same phases first; the process-hop
// floor's "runtime" is its handler processes.
//
// HEARTH_E2E_ENTRY=/other/checkout/bin/hearth.js measures another build. Not part of `npm run bench`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync, mkdirSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { InvokeClient, type InvokeTarget } from '../invoke-client.js';
import { startFloor } from '../floors.js';
import { BODY } from '../measure.js';
import { cpuMicros as cpuOf, descendantPids as descendants } from '../process-tree.js';
import { ms, summarize } from '../stats.js';
import { hearthTarget } from '../targets/hearth-target.js';
import { serverProfiler } from './server-profiler.js';

const { values } = parseArgs({
  options: {
    isolation: { type: 'string', default: 'off' },
    n: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '1,8' },
    profile: { type: 'string' },
    perf: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    floor: { type: 'boolean', default: false },
    'runtime-node-flags': { type: 'string' },
    series: { type: 'string' },
  },
});

const FN = 'probe';

interface CpuSample {
  readonly server: number;
  readonly children: number;
  readonly client: number;
}

function sampleCpu(serverPid: number): CpuSample {
  const own = process.cpuUsage();
  return {
    server: cpuOf(serverPid),
    children: descendants(serverPid).reduce((sum, pid) => sum + cpuOf(pid), 0),
    client: own.user + own.system,
  };
}

function perInvoke(before: CpuSample, after: CpuSample, invokes: number): string {
  const f = (a: number, b: number): string => ((b - a) / invokes).toFixed(0).padStart(4);
  return `cpu µs/invoke: server ${f(before.server, after.server)}, runtime ${f(before.children, after.children)}, client ${f(before.client, after.client)}`;
}

/** A HEARTH_NODE wrapper that profiles the runtime and lets SIGUSR2 end it cleanly. */
function profilingNode(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const preload = path.join(dir, 'exit-on-usr2.mjs');
  writeFileSync(preload, "process.on('SIGUSR2', () => process.exit(0));\n");
  const wrapper = path.join(dir, 'node-profiled.sh');
  writeFileSync(
    wrapper,
    `#!/bin/sh\ncase "$*" in\n  *bootstrap.cjs*) exec ${process.execPath} --cpu-prof --cpu-prof-interval=250 --cpu-prof-dir=${dir}/runtime --import ${preload} "$@" ;;\n  *) exec ${process.execPath} "$@" ;;\nesac\n`,
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/** `perf record` of the server and its descendants (with their JIT maps from --perf-basic-prof). */
function startPerf(dir: string, name: string, pid: number): ReturnType<typeof spawn> {
  mkdirSync(dir, { recursive: true });
  const pids = [pid, ...descendants(pid)].join(',');
  return spawn('perf', ['record', '-F', '1999', '-g', '-o', path.join(dir, `${name}.data`), '-p', pids], {
    stdio: 'ignore',
  });
}

async function phases(
  label: string,
  client: InvokeClient,
  target: InvokeTarget,
  pid: number | undefined,
): Promise<void> {
  const n = Number(values.n);
  const seconds = Number(values.seconds);
  await client.sequential(target, BODY, 300);
  for (const c of values.concurrency.split(',').map(Number)) {
    // Unmeasured first, so each of the c loops has a warm sandbox (no cold starts in the phase).
    await client.concurrent(target, BODY, c, c * 50, 10_000);
    const perf =
      values.perf !== undefined && pid !== undefined ? startPerf(values.perf, `${label}-c${c}`, pid) : undefined;
    const before = pid === undefined ? undefined : sampleCpu(pid);
    const started = performance.now();
    const run =
      c === 1
        ? { latencies: await sequentialSeries(client, target, n, seconds * 1000, `${label}-c1`) }
        : await client.concurrent(target, BODY, c, 1e9, seconds * 1000);
    const elapsed = (performance.now() - started) / 1000;
    const count = run.latencies.length;
    const s = summarize(run.latencies);
    const cpu = before === undefined || pid === undefined ? '' : perInvoke(before, sampleCpu(pid), count);
    if (perf !== undefined) {
      perf.kill('SIGINT');
      await once(perf, 'exit');
    }
    console.log(
      `${label} c=${c}: ${count} invokes, ${(count / elapsed).toFixed(0)}/s, p50 ${ms(s.p50)} p99 ${ms(s.p99)} ms; ${cpu}`,
    );
  }
}

/**
 * client.sequential; with --series, each invoke's end (ms from the first request) and latency also
 * go to `<series>-<label>.tsv`, to see when the slow ones happen.
 */
async function sequentialSeries(
  client: InvokeClient,
  target: InvokeTarget,
  count: number,
  durationMs: number,
  label: string,
): Promise<number[]> {
  if (values.series === undefined) return client.sequential(target, BODY, count, durationMs);
  const rows: string[] = [];
  const latencies = await client.sequential(target, BODY, count, durationMs, (latency, atMs) =>
    rows.push(`${atMs.toFixed(3)}\t${latency.toFixed(3)}`),
  );
  writeFileSync(`${values.series}-${label}.tsv`, rows.join('\n') + '\n');
  return latencies;
}

async function main(): Promise<void> {
  const client = new InvokeClient(32);
  const profile = values.profile;
  const env: Record<string, string> = {};
  if (profile !== undefined) {
    env['HEARTH_NODE'] = profilingNode(profile);
    env['NODE_OPTIONS'] = `--import ${serverProfiler(profile)}`;
  }
  const runtimeFlags = values['runtime-node-flags'];
  let wrapperDir: string | undefined;
  if (runtimeFlags !== undefined) {
    // V8/Node flags for the runtimes only (an experiment: the catalog's argv stays as it is).
    wrapperDir = mkdtempSync(path.join(os.tmpdir(), 'warm-probe-'));
    const wrapper = path.join(wrapperDir, 'node-flagged.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${process.execPath} ${runtimeFlags} "$@"\n`);
    chmodSync(wrapper, 0o755);
    env['HEARTH_NODE'] = wrapper;
  }
  if (values.perf !== undefined) {
    env['NODE_OPTIONS'] = '--perf-basic-prof';
    const wrapper = path.join(values.perf, 'node-perf.sh');
    mkdirSync(values.perf, { recursive: true });
    writeFileSync(wrapper, `#!/bin/sh\nexec ${process.execPath} --perf-basic-prof "$@"\n`);
    chmodSync(wrapper, 0o755);
    env['HEARTH_NODE'] = wrapper;
  }
  for (let round = 0; round < Number(values.rounds); round++) {
    if (values.floor) {
      for (const label of ['HTTP floor', 'process-hop floor'] as const) {
        const floor = await startFloor(label);
        await phases(label, client, floor.target, floor.pid);
        await floor.stop();
      }
    }
    const variant = values.isolation === 'off' ? 'hearth-process' : 'hearth';
    const running = await hearthTarget('probe', variant).start({ functions: [FN], env });
    const serverPid = running.memoryRoots([FN])[0]!;
    try {
      await phases(variant, client, running.invokeTarget(FN), serverPid);
      if (profile !== undefined) {
        for (const pid of [serverPid, ...descendants(serverPid)]) {
          try {
            process.kill(pid, 'SIGUSR2');
          } catch {
            // not ours to signal (bwrap's own processes)
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 5000));
      }
    } finally {
      await running.stop();
    }
  }
  client.close();
  if (wrapperDir !== undefined) rmSync(wrapperDir, { recursive: true, force: true });
}

await main();
