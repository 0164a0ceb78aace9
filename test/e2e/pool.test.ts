// The pre-started pool through the public API (issue 3 item 5): a server with HEARTH_POOL_SIZE=2
// fills its Node pool at start; two functions with different environment variables are both
// served from it (their runtime processes started before they were invoked) and each sees its
// own values — the per-function environment Fission's pool could not give.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isolationSkipReason } from '../../src/sandbox/drivers/isolated-test-environment.js';
import { buildZip } from '../support/zip.js';
import { nodeSource } from '../support/functions.js';
import { printed, startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, invoke, lambdaClient, uniqueName } from '../support/lambda.js';

const skip = await isolationSkipReason();
const POOL_READY = 'pre-started pool ready: 2 × nodejs20.x';

interface Seen {
  readonly colour: string | null;
  readonly other: string | null;
  readonly processStartedAt: number;
}

describe('pre-started pool through the API (SDK v3)', { skip, timeout: 120_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const red = uniqueName('pool-red');
  const blue = uniqueName('pool-blue');

  before(async () => {
    server = await startHearth({ env: { HEARTH_ISOLATION: 'required', HEARTH_POOL_SIZE: '2' } });
    client = lambdaClient(server);
    const zip = await nodeSource({
      'index.mjs': `export const handler = async () => ({
  colour: process.env.COLOUR ?? null, other: process.env.ONLY_RED ?? null, processStartedAt: performance.timeOrigin });`,
    });
    await Promise.all(
      [
        [red, { COLOUR: 'red', ONLY_RED: 'secret-red' }],
        [blue, { COLOUR: 'blue' }],
      ].map(([name, variables]) =>
        createAndWait(client, {
          FunctionName: name as string,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Environment: { Variables: variables as Record<string, string> },
          Code: { ZipFile: zip },
        }),
      ),
    );
    // The server says when its pool is full.
    await printed(server, POOL_READY);
  });
  after(async () => server?.stop());

  const invokeTimed = async (name: string): Promise<Seen & { pooled: boolean }> => {
    const askedAt = Date.now();
    const result = await invoke(client, name, {}, { logType: 'Tail' });
    assert.equal(result.functionError, undefined, result.text);
    const seen = JSON.parse(result.text) as Seen;
    assert.match(result.logs, /Init Duration: /, 'a cold start');
    return { ...seen, pooled: seen.processStartedAt < askedAt };
  };

  it('serves two functions from the pool, each with its own environment variables', async () => {
    const first = await invokeTimed(red);
    const second = await invokeTimed(blue);
    assert.deepEqual(
      [first.colour, first.other, first.pooled],
      ['red', 'secret-red', true],
      'red: its own variables, from the pool',
    );
    assert.deepEqual(
      [second.colour, second.other, second.pooled],
      ['blue', null, true],
      'blue: its own variables, none of red, from the pool',
    );
    assert.notEqual(first.processStartedAt, second.processStartedAt, 'two processes');
  });
});

describe('pre-started pool after a restart (SDK v3)', { skip, timeout: 120_000 }, () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-restart-'));
  const dataDir = path.join(root, 'data');
  const env = { HEARTH_ISOLATION: 'required', HEARTH_POOL_SIZE: '2' };
  let server: HearthServer | undefined;
  after(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('fills the pool of the Python functions in its store, and their first invoke comes from it', async () => {
    mkdirSync(dataDir);
    const name = uniqueName('pool-py');
    server = await startHearth({ dataDir, env });
    // How long ago this process started, in ms (Python has no performance.timeOrigin).
    const zip = await buildZip({
      'app.py': `import os
def handler(event, context):
    ticks = int(open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19])
    return {'ageMs': (float(open('/proc/uptime').read().split()[0]) - ticks / os.sysconf('SC_CLK_TCK')) * 1000}
`,
    });
    await createAndWait(lambdaClient(server), {
      FunctionName: name,
      Runtime: 'python3.12',
      Handler: 'app.handler',
      Code: { ZipFile: zip },
    });
    await server.stop();

    server = await startHearth({ dataDir, env });
    await printed(server, 'pre-started pool ready: 2 × python3.12');
    const askedAt = performance.now();
    const result = await invoke(lambdaClient(server), name, {}, { logType: 'Tail' });
    assert.equal(result.functionError, undefined, result.text);
    assert.match(result.logs, /Init Duration: /, 'a cold start');
    const { ageMs } = JSON.parse(result.text) as { ageMs: number };
    assert.ok(ageMs > performance.now() - askedAt, `its runtime started before the invoke (${ageMs} ms ago)`);
  });
});
