// Reads GET /hearth/metrics the way docs/capacity.md tells a user to: curl, signed with SigV4.
import assert from 'node:assert/strict';
import type { HearthServer } from './hearth-server.js';
import { run } from './processes.js';
import { childEnv } from './repo-root.js';

export async function metricsText(server: HearthServer): Promise<string> {
  const { accessKeyId, secretAccessKey } = server.credentials;
  const result = await run(
    'curl',
    [
      '--silent',
      '--show-error',
      '--fail',
      '--aws-sigv4',
      `aws:amz:${server.region}:lambda`,
      '--user',
      `${accessKeyId}:${secretAccessKey}`,
      `${server.endpoint}/hearth/metrics`,
    ],
    { env: childEnv({}), timeoutMs: 10_000 },
  );
  assert.equal(result.code, 0, `curl /hearth/metrics: ${result.stderr}`);
  return result.stdout;
}

/** The value of one sample (`name{labels}` exactly as rendered); 0 when absent. */
export function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

export async function metric(server: HearthServer, series: string): Promise<number> {
  return sample(await metricsText(server), series);
}
