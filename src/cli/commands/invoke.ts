// `hearth invoke NAME`: a synchronous invoke. The response body goes to stdout; a function
// error also goes to stderr and the exit code is 1.
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { CommandFailed } from '../cli-error.js';
import type { CliOutput } from '../cli-output.js';
import { describeFunctionError } from '../function-error-summary.js';
import { openLambdaClient } from '../open-lambda-client.js';
import { readPayloadArgument } from '../payload-argument.js';
import { visibleLines } from '../terminal-text.js';

interface InvokeFlags {
  readonly payload?: string;
  readonly qualifier?: string;
  readonly tail?: boolean;
}

export function registerInvoke(program: Command, output: CliOutput): void {
  program
    .command('invoke')
    .description('invoke a function and print its response')
    .argument('<name>', 'function name or ARN')
    .option('--payload <json|@file>', "the event: inline JSON, @file.json, or @- for stdin (default '{}')")
    .option('--qualifier <qualifier>', 'version or alias to invoke')
    .option('--tail', 'print the last 4 KB of the invocation log to stderr')
    .action(async (name: string, flags: InvokeFlags) => {
      const payload = await readPayloadArgument(flags.payload, { readFile: (path) => readFile(path), readStdin });
      const client = await openLambdaClient();
      const result = await client.invoke(name, payload, { qualifier: flags.qualifier, tail: flags.tail === true });
      if (result.logTail !== undefined && result.logTail !== '') {
        const shown = visibleLines(result.logTail); // the function's lines may carry terminal controls (D25)
        output.stderr(shown.endsWith('\n') ? shown : `${shown}\n`);
      }
      const body = result.payload.toString('utf8');
      output.stdout(body === '' || body.endsWith('\n') ? body : `${body}\n`);
      if (result.functionError !== undefined) {
        output.stderr(describeFunctionError(result.functionError, result.payload) + '\n');
        throw new CommandFailed();
      }
    });
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
