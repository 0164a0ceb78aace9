// `hearth ls`: every function, following ListFunctions' Marker through all pages.
// ListFunctions may leave out State (AWS does); those rows ask GetFunctionConfiguration.
// https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html
import type { Command } from 'commander';
import type { CliOutput } from '../cli-output.js';
import type { LambdaClient } from '../lambda-client.js';
import type { FunctionConfiguration } from '../lambda-wire.js';
import { openLambdaClient } from '../open-lambda-client.js';
import { formatTable } from '../text-table.js';

export function registerLs(program: Command, output: CliOutput): void {
  program
    .command('ls')
    .description('list functions')
    .action(async () => {
      const client = await openLambdaClient();
      const functions = await withState(client, await listAll(client));
      if (functions.length === 0) {
        output.stderr(
          'No functions yet. Create one with: hearth deploy DIR --name NAME --runtime nodejs22.x --handler index.handler\n',
        );
        return;
      }
      const rows = functions.map((f) => [
        f.FunctionName,
        f.Runtime ?? '-',
        f.MemorySize === undefined ? '-' : `${f.MemorySize} MB`,
        f.Timeout === undefined ? '-' : `${f.Timeout} s`,
        f.State ?? '-',
        f.LastModified ?? '-',
      ]);
      output.stdout(formatTable(['NAME', 'RUNTIME', 'MEMORY', 'TIMEOUT', 'STATE', 'LAST MODIFIED'], rows));
    });
}

async function listAll(client: LambdaClient): Promise<FunctionConfiguration[]> {
  const all: FunctionConfiguration[] = [];
  const seen = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await client.listFunctions(marker);
    all.push(...(page.Functions ?? []));
    marker = page.NextMarker ?? undefined;
    if (marker !== undefined && seen.has(marker)) break; // a server repeating a marker would loop forever
    if (marker !== undefined) seen.add(marker);
  } while (marker !== undefined && marker !== '');
  return all;
}

async function withState(client: LambdaClient, functions: FunctionConfiguration[]): Promise<FunctionConfiguration[]> {
  const result: FunctionConfiguration[] = [];
  for (let start = 0; start < functions.length; start += 8) {
    const batch = functions.slice(start, start + 8);
    result.push(
      ...(await Promise.all(
        batch.map(async (f) =>
          f.State !== undefined
            ? f
            : { ...f, ...(await client.getFunctionConfiguration(f.FunctionName).catch(() => f)) },
        ),
      )),
    );
  }
  return result;
}
