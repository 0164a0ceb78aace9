// The `hearth` command and its sub-commands (one file each in commands/).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CliOutput } from './cli-output.js';
import { registerDeploy } from './commands/deploy.js';
import { registerEnv } from './commands/env.js';
import { registerInvoke } from './commands/invoke.js';
import { registerLogs } from './commands/logs.js';
import { registerLs } from './commands/ls.js';
import { registerRm } from './commands/rm.js';
import { registerStart } from './commands/start.js';

export function createProgram(output: CliOutput): Command {
  const program = new Command('hearth')
    .description('Hearth: a self-hosted serverless platform that speaks the AWS Lambda API')
    .version(packageVersion(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Start the server, then point the AWS CLI or an SDK at it:
  hearth start &
  eval "$(hearth env)"
  hearth deploy ./hello --name hello --runtime nodejs22.x --handler index.handler
  hearth invoke hello --payload '{"a":1}'`,
    );
  registerStart(program, output);
  registerEnv(program, output);
  registerDeploy(program, output);
  registerInvoke(program, output);
  registerLs(program, output);
  registerRm(program, output);
  registerLogs(program, output);
  return program;
}

function packageVersion(): string {
  // build/src/cli/program.js → the package root is three folders up.
  try {
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
