// Ad-hoc probe of Hearth's cold starts (issue 3): N new functions invoked one after another, as
// `npm run bench` does (one client, a pause before each), each first invoke timed at the client,
// with the REPORT line's Init Duration beside it. With --pool 0, the starts without the pool.
// With --floor, first the process-hop floor's first request on each of N new floor servers
// (bench/floors.ts): a Node process started, its one module loaded, one event answered — the least
// a cold start in a new process costs, with no sandbox and no function code to find.
//
//   npx tsc -p tsconfig.json && node build/bench/probes/cold-probe.js [--n 20] [--gap 250]
//     [--pool 2] [--isolation auto|off] [--floor]
//
// Not part of `npm run bench`.
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { decodeLogResult } from '../cold-starts.js';
import { startFloor } from '../floors.js';
import { InvokeClient } from '../invoke-client.js';
import { BODY } from '../measure.js';
import { ms, summarize } from '../stats.js';
import { startHearthTarget } from '../targets/hearth-target.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '20' },
    gap: { type: 'string', default: '250' },
    pool: { type: 'string', default: '2' },
    isolation: { type: 'string', default: 'auto' },
    floor: { type: 'boolean', default: false },
  },
});

if (values.floor) {
  const client = new InvokeClient(1);
  const samples: number[] = [];
  try {
    for (let i = 0; i < Number(values.n); i++) {
      const floor = await startFloor('process-hop floor');
      try {
        await delay(Number(values.gap));
        samples.push((await client.send(floor.target, BODY)).ms);
      } finally {
        await floor.stop();
      }
    }
  } finally {
    client.close();
  }
  const cold = summarize(samples);
  process.stdout.write(`process-hop floor cold p50 ${ms(cold.p50, 1)} p99 ${ms(cold.p99, 1)} ms (${cold.samples})\n`);
}

const functions = Array.from({ length: Number(values.n) }, (_, i) => `probe${i}`);
const running = await startHearthTarget(
  { functions, env: { HEARTH_POOL_SIZE: values.pool } },
  values.isolation === 'off' ? 'off' : 'auto',
);
const client = new InvokeClient(1);
try {
  const samples: number[] = [];
  for (const fn of functions) {
    await delay(Number(values.gap));
    const answer = await client.send({ ...running.invokeTarget(fn), headers: { 'x-amz-log-type': 'Tail' } }, BODY);
    const tail = decodeLogResult(answer.headers['x-amz-log-result']) ?? '';
    const init = /Init Duration: ([\d.]+) ms/.exec(tail)?.[1];
    samples.push(answer.ms);
    process.stdout.write(`${fn} ${answer.ms.toFixed(1)} ms (Init Duration ${init ?? '—'} ms)\n`);
  }
  const cold = summarize(samples);
  process.stdout.write(`cold p50 ${ms(cold.p50, 1)} p99 ${ms(cold.p99, 1)} ms (${cold.samples})\n`);
} finally {
  client.close();
  await running.stop();
}
