// Polls GetFunctionConfiguration until the function is ready, failed, or the time is up; the
// interval is short because Hearth usually settles a function within milliseconds.
import { CliError } from './cli-error.js';
import { functionReadiness } from './function-readiness.js';
import type { LambdaClient } from './lambda-client.js';
import type { FunctionConfiguration } from './lambda-wire.js';

export interface WaitOptions {
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  /** Stop at a Failed function instead of throwing (before an update that may repair it). */
  readonly acceptFailed?: boolean;
}

export async function waitForFunction(
  client: LambdaClient,
  name: string,
  options: WaitOptions = {},
): Promise<FunctionConfiguration> {
  const intervalMs = options.intervalMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const configuration = await client.getFunctionConfiguration(name);
    const readiness = functionReadiness(configuration);
    if (readiness.kind === 'ready') return configuration;
    if (readiness.kind === 'failed' && options.acceptFailed === true) return configuration;
    if (readiness.kind === 'failed') throw new CliError(`Function ${name} is not usable — ${readiness.reason}`);
    if (Date.now() >= deadline) {
      throw new CliError(
        `Function ${name} is still not ready after ${Math.round(timeoutMs / 1000)} s (${readiness.status}); check the server's log.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
