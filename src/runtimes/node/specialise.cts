// A pre-started Node runtime (docs/isolation.md, "Pre-started pool") starts before Hearth knows
// which function it will run. It opens its runtime channel (frame-client.ts) at once, on its own
// Runtime API socket, and waits there, before it loads anything of a function, for the one
// Specialise frame: the complete environment of the function it now serves. Hearth sends it once
// and hands the connection on to that function's Runtime API, so the runtime goes on, on the same
// connection, as on any cold start. Connecting, upgrading and a first read all happen while
// waiting, not on the cold start.
import Module from 'node:module';
import { join } from 'node:path';
import { FrameClient } from './frame-client.cjs';
import { loadFile } from './handler-loader.cjs';
import type { RuntimeChannel } from './runtime-api-client.cjs';

const PRESTARTED_VARIABLE = '_HEARTH_PRESTARTED';

/** Waits for the function when this runtime was pre-started, and returns the channel it came on;
 *  undefined at once otherwise. */
export async function specialiseIfPrestarted(
  env: NodeJS.ProcessEnv = process.env,
): Promise<RuntimeChannel | undefined> {
  if (env[PRESTARTED_VARIABLE] !== '1') return undefined;
  const socketPath = env['_HEARTH_RUNTIME_API_SOCKET'] ?? '';
  // Work any cold start does, done while waiting (warm-up.cts); a failure only costs that time.
  for (const file of ['warm-up.cjs', 'warm-up.mjs'])
    await loadFile(join(__dirname, file), __filename).catch(() => undefined);
  const channel = await FrameClient.connect(socketPath);
  if (channel === undefined) throw new Error('Hearth refused the runtime channel to a pre-started runtime');
  const next = await channel.specialisation();
  const nodePath = env['NODE_PATH'];
  for (const name of Object.keys(env)) if (!Object.hasOwn(next, name)) delete env[name];
  // Only what changed: setting TZ, even to the same value, makes Node load the time zone again.
  for (const name in next) if (env[name] !== next[name]) env[name] = next[name];
  // NODE_PATH is not part of the pool's kind (pool-key.ts): the function's replaces the pre-start's.
  if (env['NODE_PATH'] !== nodePath) rereadNodePath();
  // The working directory is the empty slot under the function's code, mounted since: enter the code.
  process.chdir(env['LAMBDA_TASK_ROOT'] ?? '/var/task');
  return channel;
}

/**
 * Makes require() search the NODE_PATH now in the environment. Node reads it once, at start-up,
 * into the CommonJS loader's global paths; `Module._initPaths` (in every Node this runtime supports)
 * computes them again. Without it the function would search the pre-start's folders: refused.
 */
function rereadNodePath(): void {
  const initPaths = (Module as unknown as { _initPaths?: () => void })._initPaths;
  if (typeof initPaths !== 'function') throw new Error("this Node cannot apply the function's NODE_PATH");
  initPaths.call(Module);
}
