// Hearth: `node bin/hearth.js start` in a fresh data dir, functions created with the AWS SDK, and
// invokes on the Lambda Invoke API. HEARTH_MAX_SANDBOXES sets the room for the many-functions run.
import { CreateFunctionCommand, GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { setTimeout as delay } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeEcho } from '../../test/support/functions.js';
import { TEST_ROLE } from '../../test/support/lambda.js';
import { hearthBin } from '../../test/support/repo-root.js';
import { startServer } from '../server-process.js';
import { SigV4Signer } from '../sigv4-signer.js';
import type { BenchTarget, RunningTarget, StartSpec } from './bench-target.js';

/**
 * `hearth`: as a user starts it (HEARTH_ISOLATION=auto: isolated sandboxes where the host allows,
 * frozen between invocations). `hearth-process`: the same with HEARTH_ISOLATION=off, to show what
 * isolation costs. Functions get 1,769 MB, one full vCPU under Hearth's CPU share (the peers do
 * not limit CPU at all).
 */
export function hearthTarget(version: string, variant: 'hearth' | 'hearth-process' = 'hearth'): BenchTarget {
  return {
    name: variant,
    version,
    how:
      'Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations), SigV4 checked, ' +
      (variant === 'hearth' ? 'isolated sandboxes (HEARTH_ISOLATION=auto)' : 'plain processes (HEARTH_ISOLATION=off)'),
    memoryModel: 'child-processes',
    coldRule: 'init-duration',
    capNote: 'HEARTH_MAX_SANDBOXES',
    start: (spec) => startHearthTarget(spec, variant === 'hearth' ? 'auto' : 'off'),
  };
}

/** Node flags of the Hearth server, as `npm start` (package.json) and bin/hearth.js run it. */
const SERVER_NODE_FLAGS = ['--no-memory-reducer'];

/** MemorySize of the benchmark's functions: one vCPU. */
const BENCH_MEMORY_MB = 1769;

/** A running Hearth and the SDK client that set it up (for benchmarks that configure more). */
export interface RunningHearth extends RunningTarget {
  readonly sdk: LambdaClient;
}

export async function startHearthTarget(spec: StartSpec, isolation: 'auto' | 'off'): Promise<RunningHearth> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'));
  const keys = { accessKeyId: 'BENCH' + randomBytes(5).toString('hex').toUpperCase(), secretAccessKey: 'bench-secret' };
  const env: Record<string, string> = {
    HEARTH_ACCESS_KEY_ID: keys.accessKeyId,
    HEARTH_SECRET_ACCESS_KEY: keys.secretAccessKey,
    HEARTH_ISOLATION: isolation,
    // The budget counts MemorySize, not use: room for the c=32 and many-functions runs of 1,769 MB
    // functions whose real footprint is ~40 MB each.
    HEARTH_SANDBOX_MEMORY_MB: String(BENCH_MEMORY_MB * 48),
    // Cold starts are measured without the pre-started pool, unless the spec turns it on.
    HEARTH_POOL_SIZE: '0',
    ...spec.env,
  };
  if (spec.maxSandboxes !== undefined) env['HEARTH_MAX_SANDBOXES'] = String(spec.maxSandboxes);
  const server = await startServer(
    process.execPath,
    [...SERVER_NODE_FLAGS, hearthBin(), 'start', '--port', '0', '--data-dir', path.join(root, 'data')],
    { env, ready: /Hearth listening on (http:\/\/\S+)/, timeoutMs: 30_000 },
  );
  const endpoint = new URL(server.match[1]!);
  const region = 'us-east-1';
  const sdk = new LambdaClient({ endpoint: endpoint.href, region, credentials: keys, maxAttempts: 1 });
  const stop = async (): Promise<void> => {
    sdk.destroy();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const zip = await nodeEcho();
    for (const name of spec.functions) {
      await sdk.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: TEST_ROLE,
          MemorySize: BENCH_MEMORY_MB,
          Code: { ZipFile: zip },
        }),
      );
    }
    for (const name of spec.functions) await waitUntilActive(sdk, name);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${server.output().slice(-2000)}`);
  }
  const signer = new SigV4Signer(keys, region);
  return {
    sdk,
    memoryRoots: () => [server.pid],
    invokeTarget: (fn) => ({ url: endpoint, path: `/2015-03-31/functions/${fn}/invocations`, signer }),
    stop,
  };
}

/** Polls GetFunctionConfiguration until the function leaves Pending (CreateFunction answers Pending). */
async function waitUntilActive(sdk: LambdaClient, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { State, StateReason } = await sdk.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (State === 'Active') return;
    if (State !== 'Pending' || Date.now() > deadline) throw new Error(`${name} is ${State}: ${StateReason ?? ''}`);
    await delay(20);
  }
}
