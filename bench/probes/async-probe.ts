// Ad-hoc probe of Hearth's async intake (issue 5): events accepted durably per second at c=1, 8
// and 32 (bench/async.ts's accept loop), the 202's latency, and the CPU each event costs the
// Hearth server and its runtimes (from /proc), while accepting and until every event has run.
// Each phase waits for the queue to drain before the next, so the phases do not overlap.
//
// --entries a.js,b.js measures several builds (HEARTH_E2E_ENTRY), interleaved round by round,
// for A/B comparisons on a shared host. --profile DIR writes a V8 CPU profile of the server.
//
//   npx tsc -p tsconfig.json && node build/bench/probes/async-probe.js [--isolation auto|off]
//     [--seconds 3] [--concurrency 1,8,32] [--rounds 1] [--entries a.js,b.js] [--profile /tmp/prof]
//     [--env HEARTH_ASYNC_CONCURRENCY=4 ...]
//
// Not part of `npm run bench`.
import { InvokeClient } from '../invoke-client.js';
import { parseArgs } from 'node:util';
import { acceptRate, drained, eventTarget } from '../async.js';
import { cpuMicros, cpuTimes, descendantPids } from '../process-tree.js';
import { ms } from '../stats.js';
import { hearthTarget } from '../targets/hearth-target.js';
import { serverProfiler } from './server-profiler.js';

const { values } = parseArgs({
  options: {
    isolation: { type: 'string', default: 'auto' },
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,8,32' },
    rounds: { type: 'string', default: '1' },
    entries: { type: 'string' },
    profile: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
  },
});

const FN = 'async-probe';

interface Cpu {
  readonly server: number;
  readonly serverSystem: number;
  readonly runtimes: number;
  readonly client: number;
}

function sampleCpu(serverPid: number): Cpu {
  const server = cpuTimes(serverPid);
  return {
    server: server.user + server.system,
    serverSystem: server.system,
    runtimes: descendantPids(serverPid).reduce((sum, pid) => sum + cpuMicros(pid), 0),
    client: cpuTimes(process.pid).user + cpuTimes(process.pid).system,
  };
}

function perEvent(before: Cpu, after: Cpu, events: number): string {
  const f = (a: number, b: number): string => ((b - a) / events).toFixed(0).padStart(4);
  return `server ${f(before.server, after.server)} (kernel ${f(before.serverSystem, after.serverSystem)}), runtimes ${f(before.runtimes, after.runtimes)}, client ${f(before.client, after.client)} µs/event`;
}

async function measure(label: string): Promise<void> {
  const env: Record<string, string> = Object.fromEntries(values.env.map((kv) => kv.split('=', 2)));
  if (values.profile !== undefined) env['NODE_OPTIONS'] = `--import ${serverProfiler(values.profile)}`;
  const variant = values.isolation === 'off' ? 'hearth-process' : 'hearth';
  const running = await hearthTarget('probe', variant).start({ functions: [FN], env });
  const pid = running.memoryRoots([FN])[0]!;
  const client = new InvokeClient(32);
  const target = eventTarget(running.invokeTarget(FN));
  const seconds = Number(values.seconds);
  try {
    // Unmeasured: a warm sandbox and warm code paths.
    let total = (await acceptRate(client, target, 4, { acceptCount: 400, acceptMs: 5000, backlogEvents: 0 })).accepted;
    await drained(client, target, FN, total);
    for (const c of values.concurrency.split(',').map(Number)) {
      const before = sampleCpu(pid);
      const rate = await acceptRate(client, target, c, {
        acceptCount: 1e9,
        acceptMs: seconds * 1000,
        backlogEvents: 0,
      });
      const accepting = sampleCpu(pid);
      total += rate.accepted;
      const drain = await drained(client, target, FN, total);
      const after = sampleCpu(pid);
      console.log(
        `${label} c=${c}: ${rate.perSecond.toFixed(0)} events/s (${rate.accepted}), 202 p50 ${ms(rate.latency.p50)} p99 ${ms(rate.latency.p99)} ms; ` +
          `accepting: ${perEvent(before, accepting, rate.accepted)}; drained ${drain.toFixed(2)} s later, in all: ${perEvent(before, after, rate.accepted)}`,
      );
    }
    if (values.profile !== undefined) {
      process.kill(pid, 'SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  } finally {
    client.close();
    await running.stop();
  }
}

const entries = values.entries?.split(',') ?? [undefined];
for (let round = 0; round < Number(values.rounds); round++) {
  for (const [i, entry] of entries.entries()) {
    if (entry === undefined) delete process.env['HEARTH_E2E_ENTRY'];
    else process.env['HEARTH_E2E_ENTRY'] = entry;
    await measure(entries.length > 1 ? `#${round + 1} ${String.fromCharCode(65 + i)}` : `#${round + 1}`);
  }
}
