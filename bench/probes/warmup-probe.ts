// Ad-hoc probe of how long Hearth's warm path takes to settle (the JIT of the server and of each
// runtime): sequential invokes of function `a` on a new server (nothing warm), then of `b` (a new
// sandbox, its runtime new, on a server that is warm by then), then of `a` again (both warm). For
// each it prints p50, p99 and how many invokes of every thousand took longer than --slow ms.
//
//   npx tsc -p tsconfig.json && node build/bench/probes/warmup-probe.js [--n 5000] [--slow 3]
//     [--isolation auto|off]
//
// Not part of `npm run bench`; it is why the benchmark warms up as long as it does
// (docs/benchmarks.md, "Warm-up").
import { parseArgs } from 'node:util';
import { InvokeClient } from '../invoke-client.js';
import { BODY } from '../measure.js';
import { ms, summarize } from '../stats.js';
import { hearthTarget } from '../targets/hearth-target.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '5000' },
    slow: { type: 'string', default: '3' },
    isolation: { type: 'string', default: 'auto' },
  },
});

const running = await hearthTarget('probe', values.isolation === 'off' ? 'hearth-process' : 'hearth').start({
  functions: ['a', 'b'],
});
const client = new InvokeClient(1);
try {
  const phases = [
    ['a', 'a new server and a new sandbox'],
    ['b', 'a new sandbox on the warm server'],
    ['a', 'both warm'],
  ] as const;
  for (const [fn, what] of phases) {
    const latencies = await client.sequential(running.invokeTarget(fn), BODY, Number(values.n));
    const slowPerThousand: number[] = [];
    for (let i = 0; i < latencies.length; i += 1000)
      slowPerThousand.push(latencies.slice(i, i + 1000).filter((l) => l > Number(values.slow)).length);
    const s = summarize(latencies);
    console.log(
      `${fn} (${what}): p50 ${ms(s.p50)} p99 ${ms(s.p99)} ms; over ${values.slow} ms, per 1000 in order: ${slowPerThousand.join(' ')}`,
    );
  }
} finally {
  client.close();
  await running.stop();
}
