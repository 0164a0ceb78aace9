// A preload that profiles a Node server from start-up through the inspector (--cpu-prof is not
// allowed in NODE_OPTIONS) and writes the profile on SIGUSR2. Used by the probes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A preload for the server (--cpu-prof is not allowed in NODE_OPTIONS): profiles through the
 * inspector from start-up and writes the profile on SIGUSR2.
 */
export function serverProfiler(dir: string): string {
  mkdirSync(path.join(dir, 'server'), { recursive: true });
  const preload = path.join(dir, 'server-profiler.mjs');
  writeFileSync(
    preload,
    `import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 250 });
session.post('Profiler.start');
process.on('SIGUSR2', () => {
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(${JSON.stringify(path.join(dir, 'server'))} + '/server-' + process.pid + '.cpuprofile', JSON.stringify(result.profile));
  });
});
`,
  );
  return preload;
}
