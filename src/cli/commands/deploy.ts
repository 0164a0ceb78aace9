// `hearth deploy DIR --name N …`: zip the folder, create the function or update its code and
// configuration, then wait until it can be invoked.
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { ApiError } from '../cli-error.js';
import { loadCliConfig } from '../cli-config.js';
import type { CliOutput } from '../cli-output.js';
import { formatByteSize } from '../byte-size.js';
import { collectEnvAssignment } from '../env-assignment.js';
import { creationSettings, settingsFromFlags, type DeployFlags } from '../deploy-settings.js';
import type { LambdaClient } from '../lambda-client.js';
import type { FunctionConfiguration } from '../lambda-wire.js';
import { wholeNumberOption } from '../number-option.js';
import { openLambdaClient } from '../open-lambda-client.js';
import { waitForFunction } from '../wait-for-function.js';
import { zipFolder } from '../zip-folder.js';

export function registerDeploy(program: Command, output: CliOutput): void {
  program
    .command('deploy')
    .description('zip a folder and create the function from it (or update it), then wait until it is Active')
    .argument('<dir>', 'folder holding the function code (zipped as is; .git is left out)')
    .requiredOption('--name <name>', 'function name')
    .option('--runtime <runtime>', 'e.g. nodejs22.x, python3.12, provided.al2023 (needed to create)')
    .option('--handler <handler>', 'e.g. index.handler (needed to create)')
    .option('--memory <mb>', 'memory size in MB', wholeNumberOption('--memory'))
    .option('--timeout <seconds>', 'timeout in seconds', wholeNumberOption('--timeout'))
    .option(
      '--env <NAME=value>',
      'environment variable; repeat for more (replaces all existing ones)',
      collectEnvAssignment,
    )
    .option('--role <arn>', 'execution role ARN (default arn:aws:iam::<account>:role/hearth-function)')
    .action(async (dir: string, flags: DeployFlags) => {
      const zip = await zipFolder(dir);
      const client = await openLambdaClient();
      const existing = await findFunction(client, flags.name);
      const result =
        existing === undefined
          ? await create(client, flags, zip)
          : { verb: 'Updated', configuration: await update(client, flags, zip) };
      output.stdout(summary(result.verb, result.configuration, zip) + '\n');
      const localSha = createHash('sha256').update(zip).digest('base64');
      if (result.configuration.CodeSha256 !== undefined && result.configuration.CodeSha256 !== localSha) {
        output.stderr(
          `Warning: the server reports CodeSha256 ${result.configuration.CodeSha256}, the zip sent was ${localSha}.\n`,
        );
      }
    });
}

async function findFunction(client: LambdaClient, name: string): Promise<FunctionConfiguration | undefined> {
  try {
    return await client.getFunctionConfiguration(name);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function create(
  client: LambdaClient,
  flags: DeployFlags,
  zip: Buffer,
): Promise<{ verb: string; configuration: FunctionConfiguration }> {
  const settings = creationSettings(flags, loadCliConfig().accountId);
  try {
    await client.createFunction({ FunctionName: flags.name, ...settings, ZipFile: zip });
  } catch (error) {
    // Created by someone else since we looked: update it instead.
    if (error instanceof ApiError && error.code === 'ResourceConflictException') {
      return { verb: 'Updated', configuration: await update(client, flags, zip) };
    }
    throw error;
  }
  return { verb: 'Created', configuration: await waitForFunction(client, flags.name) };
}

// Lambda refuses a second update while one is InProgress, so each step waits for the last.
// https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
async function update(client: LambdaClient, flags: DeployFlags, zip: Buffer): Promise<FunctionConfiguration> {
  await waitForFunction(client, flags.name, { acceptFailed: true });
  await client.updateFunctionCode(flags.name, zip);
  const settings = settingsFromFlags(flags);
  if (Object.keys(settings).length > 0) {
    await waitForFunction(client, flags.name, { acceptFailed: true });
    await client.updateFunctionConfiguration(flags.name, settings);
  }
  return waitForFunction(client, flags.name);
}

function summary(verb: string, configuration: FunctionConfiguration, zip: Buffer): string {
  const size = formatByteSize(configuration.CodeSize ?? zip.length);
  return `${verb} ${configuration.FunctionName} (${configuration.Runtime ?? 'unknown runtime'}, ${size}, CodeSha256 ${configuration.CodeSha256 ?? 'unknown'})`;
}
