// Hearth's Node.js runtime client: the process that runs inside a sandbox for the nodejs* runtimes.
// It loads the handler (init), then loops GET /next → handler → POST /response or /error against
// the Runtime API at AWS_LAMBDA_RUNTIME_API. It imports only node: built-ins and its own folder,
// because the sandbox holds nothing else; the environment it reads is the sandbox's own.
import { patchConsole, logSettings, type CurrentRequest } from './console-patch.cjs';
import { loadHandler, type UserHandler } from './handler-loader.cjs';
import { buildContext, type FunctionFacts } from './invoke-context.cjs';
import { runHandler, type Outcome } from './invocation-runner.cjs';
import { FrameClient } from './frame-client.cjs';
import type { RuntimeChannel } from './runtime-api-client.cjs';
import { errorLogJson, errorPayload, UnhandledPromiseRejection } from './runtime-errors.cjs';
import { specialiseIfPrestarted } from './specialise.cjs';
import { traceIdEnv } from './trace-id-env.cjs';

type Phase = 'init' | 'idle' | 'invoke';

// Exit codes of AWS's Node runtime after an uncaught exception / unhandled rejection.
const EXIT_UNCAUGHT = 129;
const EXIT_UNHANDLED_REJECTION = 128;

async function main(): Promise<void> {
  // A pre-started runtime waits here for the function it will serve (specialise.ts), on the
  // channel it then keeps.
  const prestarted = await specialiseIfPrestarted();
  // The trace id changes on every invocation: kept out of the C environment (trace-id-env.ts).
  const traced = traceIdEnv(process.env);
  process.env = traced.env;
  const env = process.env;
  const runtimeApi = env['AWS_LAMBDA_RUNTIME_API'];
  if (runtimeApi === undefined || runtimeApi === '') {
    process.stderr.write('AWS_LAMBDA_RUNTIME_API is not set: this program runs inside a Lambda sandbox.\n');
    process.exit(1);
  }
  const current: CurrentRequest = { requestId: undefined };
  patchConsole(current, logSettings(env['AWS_LAMBDA_LOG_FORMAT'], env['AWS_LAMBDA_LOG_LEVEL']));
  // Hearth's drivers also serve the Runtime API on a unix socket (cheaper than loopback TCP), where
  // this runtime upgrades to Hearth's frames (frame-codec.ts); HTTP when the server refuses.
  // It is the platform's business, not the handler's: take it out of the handler's environment.
  const socketPath = env['_HEARTH_RUNTIME_API_SOCKET'] || undefined;
  delete env['_HEARTH_RUNTIME_API_SOCKET'];
  // Connecting is a round trip to the platform: it goes on while the handler loads (both are needed
  // before the first event is asked for).
  const channel: Promise<RuntimeChannel> =
    prestarted !== undefined ? Promise.resolve(prestarted) : openChannel(runtimeApi, socketPath);
  // Awaited below, after the handler; until then a failure must not count as an unhandled rejection.
  channel.catch(() => undefined);
  const facts: FunctionFacts = {
    functionName: env['AWS_LAMBDA_FUNCTION_NAME'] ?? '',
    functionVersion: env['AWS_LAMBDA_FUNCTION_VERSION'] ?? '$LATEST',
    memoryLimitInMB: env['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'] ?? '128',
    logGroupName: env['AWS_LAMBDA_LOG_GROUP_NAME'] ?? '',
    logStreamName: env['AWS_LAMBDA_LOG_STREAM_NAME'] ?? '',
  };
  let phase: Phase = 'init';

  // An error nobody caught ends this environment, as on Lambda: report it where it belongs (init
  // error, or the current invocation's error), then exit so the platform starts afresh.
  const crash = (label: string, error: unknown, exitCode: number): void => {
    console.error(label, errorLogJson(error));
    const requestId = current.requestId;
    const report =
      phase === 'init'
        ? channel.then((client) => client.postInitError(errorPayload(error)))
        : phase === 'invoke' && requestId !== undefined
          ? channel.then((client) => client.postError(requestId, errorPayload(error)))
          : Promise.resolve();
    report.then(
      () => process.exit(exitCode),
      () => process.exit(exitCode),
    );
  };
  process.on('uncaughtException', (error) => crash('Uncaught Exception', error, EXIT_UNCAUGHT));
  process.on('unhandledRejection', (reason) => {
    crash('Unhandled Promise Rejection', new UnhandledPromiseRejection(reason), EXIT_UNHANDLED_REJECTION);
  });

  let handler: UserHandler;
  try {
    const taskRoot = env['LAMBDA_TASK_ROOT'] ?? process.cwd();
    handler = await loadHandler(taskRoot, env['_HANDLER'] ?? '', __filename);
  } catch (error) {
    console.error('Uncaught Exception', errorLogJson(error));
    await (await channel).postInitError(errorPayload(error));
    process.exit(EXIT_UNCAUGHT);
  }
  const client = await channel;

  phase = 'idle';
  // The answer to one invocation and the GET /next for the following one go out together
  // (pipelined on the one connection); the platform's 202 for the answer is read with the next event.
  let answered: Promise<unknown> = Promise.resolve();
  for (;;) {
    const [, invocation] = await Promise.all([answered, client.next()]);
    phase = 'invoke';
    current.requestId = invocation.requestId;
    traced.setTraceId(invocation.traceId);

    let outcome: Outcome;
    try {
      const event: unknown = JSON.parse(invocation.body);
      outcome = await runHandler(handler, event, (completion) => buildContext(facts, invocation, completion));
    } catch (error) {
      outcome = { kind: 'error', error };
    }
    let body: string | undefined;
    if (outcome.kind === 'response') {
      try {
        body = JSON.stringify(outcome.result === undefined ? null : outcome.result) ?? 'null';
      } catch (error) {
        outcome = { kind: 'error', error }; // e.g. TypeError: Converting circular structure to JSON
      }
    }
    if (body !== undefined) {
      answered = client.postResponse(invocation.requestId, body);
    } else {
      const error = outcome.kind === 'error' ? outcome.error : undefined;
      console.error('Invoke Error', errorLogJson(error));
      answered = client.postError(invocation.requestId, errorPayload(error));
    }
    // Until the next event arrives nothing is running: an uncaught error now is not this invocation's.
    phase = 'idle';
  }
}

/** Hearth's frames on its unix socket; the HTTP Runtime API when there is none or the server refuses. */
async function openChannel(runtimeApi: string, socketPath: string | undefined): Promise<RuntimeChannel> {
  const frames = socketPath !== undefined ? await FrameClient.connect(socketPath) : undefined;
  if (frames !== undefined) return frames;
  // Loaded only here: a start on Hearth's socket never needs the HTTP client (~1.5 ms of loading).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RuntimeApiClient } = require('./runtime-api-client.cjs') as typeof import('./runtime-api-client.cjs');
  return new RuntimeApiClient(runtimeApi, socketPath);
}

main().catch((error: unknown) => {
  // Only the Runtime API itself fails here (handler errors are outcomes): the platform is gone.
  process.stderr.write(`Runtime API request failed: ${String(error)}\n`);
  process.exit(1);
});
