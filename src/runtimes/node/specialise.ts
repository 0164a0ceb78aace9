// A pre-started Node runtime (docs/isolation.md, "Pre-started pool") starts before Hearth knows
// which function it will run. Before it loads anything of a function, it asks Hearth, on its own
// Runtime API socket, for the function it now serves; Hearth answers once, with the function's
// complete environment, and only then does this runtime go on as on any cold start.
import { HttpConnection } from './http-connection.js';

const PRESTARTED_VARIABLE = '_HEARTH_PRESTARTED';
const SPECIALISATION_PATH = '/2018-06-01/hearth/specialisation';

/** Waits for the function when this runtime was pre-started; returns at once otherwise. */
export async function specialiseIfPrestarted(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env[PRESTARTED_VARIABLE] !== '1') return;
  const hostPort = env['AWS_LAMBDA_RUNTIME_API'] ?? '';
  const colon = hostPort.lastIndexOf(':');
  const connection = new HttpConnection(
    hostPort.slice(0, colon),
    Number(hostPort.slice(colon + 1)),
    env['_HEARTH_RUNTIME_API_SOCKET'] || undefined,
  );
  // Hearth answers with Connection: close: the function's own Runtime API takes the socket's place.
  const response = await connection.request('GET', SPECIALISATION_PATH, {});
  if (response.status !== 200) throw new Error(`specialisation answered ${response.status}: ${response.body}`);
  const next = (JSON.parse(response.body) as { env: Record<string, string> }).env;
  for (const name of Object.keys(env)) if (!Object.hasOwn(next, name)) delete env[name];
  Object.assign(env, next);
  // The working directory is the empty slot under the function's code, mounted since: enter the code.
  process.chdir(env['LAMBDA_TASK_ROOT'] ?? '/var/task');
}
