// `hearth rm NAME`: DeleteFunction.
// https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html
import type { Command } from 'commander';
import type { CliOutput } from '../cli-output.js';
import { openLambdaClient } from '../open-lambda-client.js';

export function registerRm(program: Command, output: CliOutput): void {
  program
    .command('rm')
    .description('delete a function')
    .argument('<name>', 'function name or ARN')
    .action(async (name: string) => {
      const client = await openLambdaClient();
      await client.deleteFunction(name);
      output.stdout(`Deleted function ${name}\n`);
    });
}
