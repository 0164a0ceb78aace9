// Ad-hoc probe of the many-functions run (issue 5): functions invoked round-robin with room for
// fewer sandboxes, so nearly every invoke starts a sandbox after evicting one. Besides latency it
// reports the CPU each invoke cost the whole server tree (server, launchers, sandboxes, mkfs…),
// read from a cgroup v1 cpuacct group the server is started in (the sandboxes stay in it: Hearth
// does not use the cpuacct controller), so a run on a busy host still compares CPU honestly.
//
//   npx tsc -p tsconfig.json && node build/bench/probes/many-probe.js [--isolation auto|off]
//     [--functions 60] [--room 20] [--rounds 2] [--env NAME=value,...] [--series FILE]
//     [--pause MS --slice N]
//
// --series writes each measured invoke's latency (ms), one per line in order, to FILE.
//
// Not part of `npm run bench`; needs root and a cgroup v1 cpuacct hierarchy.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { InvokeClient } from '../invoke-client.js';
import { BODY } from '../measure.js';
import { cpuMicros } from '../process-tree.js';
import { ms, summarize } from '../stats.js';
import { startHearthTarget } from '../targets/hearth-target.js';
import { removeCgroupDir } from '../../src/sandbox/isolation/cgroup-files.js';

const { values } = parseArgs({
  options: {
    isolation: { type: 'string', default: 'auto' },
    functions: { type: 'string', default: '60' },
    room: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    env: { type: 'string', default: '' },
    series: { type: 'string' },
    // A pause of this many ms after every --slice invokes, as the interleaved benchmark leaves
    // each server idle while the others run their slices.
    pause: { type: 'string', default: '0' },
    slice: { type: 'string', default: '50' },
  },
});

const group = `/sys/fs/cgroup/cpuacct/hearth-many-probe-${process.pid}`;
mkdirSync(group);
// Everything this process starts from now on (the server and its tree) is counted in the group.
writeFileSync(`${group}/cgroup.procs`, String(process.pid));
const usage = (): number => Number(readFileSync(`${group}/cpuacct.usage`, 'utf8')) / 1e3; // µs
const env = Object.fromEntries(
  (values.env ?? '')
    .split(',')
    .filter((pair) => pair.includes('='))
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const functions = Array.from({ length: Number(values.functions) }, (_, i) => `many${i}`);
const running = await startHearthTarget(
  { functions, maxSandboxes: Number(values.room), env },
  values.isolation === 'off' ? 'off' : 'auto',
);
const client = new InvokeClient(1);
try {
  // One unmeasured round fills the room.
  for (const fn of functions) await client.send(running.invokeTarget(fn), BODY);
  const latencies: number[] = [];
  const [server] = running.memoryRoots([]);
  console.log(`server pid ${server}`);
  const before = usage();
  const serverBefore = cpuMicros(server!);
  const sequence = Array.from({ length: Number(values.rounds) }, () => functions).flat();
  for (const [i, fn] of sequence.entries()) {
    if (Number(values.pause) > 0 && i > 0 && i % Number(values.slice) === 0) await delay(Number(values.pause));
    latencies.push((await client.send(running.invokeTarget(fn), BODY)).ms);
  }
  const cpu = (usage() - before) / latencies.length;
  const serverCpu = (cpuMicros(server!) - serverBefore) / latencies.length;
  const summary = summarize(latencies);
  if (values.series !== undefined) writeFileSync(values.series, latencies.map((l) => l.toFixed(2)).join('\n') + '\n');
  console.log(
    `${values.isolation}: ${latencies.length} invokes, p50 ${ms(summary.p50, 1)} p99 ${ms(summary.p99, 1)} ms; ` +
      `CPU per invoke ${(cpu / 1000).toFixed(1)} ms (server tree, the client included; the server process alone ${(serverCpu / 1000).toFixed(1)} ms)`,
  );
} finally {
  client.close();
  await running.stop();
  writeFileSync('/sys/fs/cgroup/cpuacct/cgroup.procs', String(process.pid));
  // The server tree's last processes may still be exiting (EBUSY for a moment): retried.
  await removeCgroupDir(group);
}
