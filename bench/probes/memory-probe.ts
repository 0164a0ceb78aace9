// Ad-hoc probe of what an idle warm sandbox really costs the host (issue 5): N new functions, each
// invoked once, with three readings before and after — the server's child processes by RSS and by
// PSS (as `npm run bench` reads them), and the host's memory in use (MemTotal − MemAvailable from
// /proc/meminfo). RSS counts a shared page (Node's binary, the libraries) in every process that
// maps it; the host holds it once. Which of the two the host's own count follows says which one
// "how many fit in 4 GiB" should be computed from.
//
//   npx tsc -p tsconfig.json && node build/bench/probes/memory-probe.js [--n 40] [--isolation auto|off]
//
// Not part of `npm run bench`; the host's count moves with everything else running on it, so run it
// on a quiet host and more than once.
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { InvokeClient } from '../invoke-client.js';
import { BODY, sumTrees } from '../measure.js';
import { sandboxMemory } from '../sandbox-memory.js';
import { mib } from '../stats.js';
import { startHearthTarget } from '../targets/hearth-target.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '40' },
    isolation: { type: 'string', default: 'auto' },
  },
});

/** Bytes the host has in use: MemTotal − MemAvailable. */
function hostInUse(): number {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(info)?.[1] ?? NaN);
  return (kib('MemTotal') - kib('MemAvailable')) * 1024;
}

const count = Number(values.n);
const functions = Array.from({ length: count }, (_, i) => `mem${i}`);
const running = await startHearthTarget(
  { functions, env: { HEARTH_POOL_SIZE: '0' } },
  values.isolation === 'off' ? 'off' : 'auto',
);
const client = new InvokeClient(1);
try {
  await delay(1000);
  const hostBefore = hostInUse();
  const before = sumTrees(running.memoryRoots(functions));
  for (const fn of functions) await client.invoke(running.invokeTarget(fn), BODY);
  await delay(1000);
  const hostAfter = hostInUse();
  const after = sumTrees(running.memoryRoots(functions));
  const memory = sandboxMemory('child-processes', before, after, count);
  process.stdout.write(
    `${count} idle warm sandboxes (${values.isolation}), per sandbox: ` +
      `RSS ${mib(memory.perSandboxBytes)} MiB, PSS ${mib(memory.perSandboxPssBytes)} MiB, ` +
      `host in use ${mib((hostAfter - hostBefore) / count)} MiB (MemTotal − MemAvailable)\n`,
  );
} finally {
  client.close();
  await running.stop();
}
