// Turns `hearth deploy` flags into the configuration sent with CreateFunction and
// UpdateFunctionConfiguration. Only flags that were given are sent, so an update leaves the
// rest of the function's configuration as it was; `--env` replaces all variables, as Lambda's
// Environment field does (https://docs.aws.amazon.com/lambda/latest/api/API_Environment.html).
import { CliError } from './cli-error.js';
import type { FunctionSettings } from './lambda-wire.js';

export interface DeployFlags {
  readonly name: string;
  readonly runtime?: string | undefined;
  readonly handler?: string | undefined;
  readonly memory?: number | undefined;
  readonly timeout?: number | undefined;
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly role?: string | undefined;
}

export function settingsFromFlags(flags: DeployFlags): FunctionSettings {
  return {
    ...(flags.runtime === undefined ? {} : { Runtime: flags.runtime }),
    ...(flags.handler === undefined ? {} : { Handler: flags.handler }),
    ...(flags.role === undefined ? {} : { Role: flags.role }),
    ...(flags.memory === undefined ? {} : { MemorySize: flags.memory }),
    ...(flags.timeout === undefined ? {} : { Timeout: flags.timeout }),
    ...(flags.env === undefined ? {} : { Environment: { Variables: { ...flags.env } } }),
  };
}

/** What CreateFunction needs beyond the flags: a runtime, a handler and a role. */
export function creationSettings(flags: DeployFlags, accountId: string): FunctionSettings {
  const missing = [flags.runtime === undefined ? '--runtime' : '', flags.handler === undefined ? '--handler' : '']
    .filter((flag) => flag !== '')
    .join(' and ');
  if (missing !== '') {
    throw new CliError(
      `Function ${flags.name} does not exist yet; creating it needs ${missing} (e.g. --runtime nodejs22.x --handler index.handler).`,
    );
  }
  return { ...settingsFromFlags(flags), Role: flags.role ?? `arn:aws:iam::${accountId}:role/hearth-function` };
}
