// Architect sandbox (@architect/sandbox): an app.arc with one HTTP route per function, each
// route's code the same CommonJS handler; invoked through its HTTP routes (it has no Lambda Invoke
// API). It starts a new Node process for every invocation, so no warm sandbox stays idle.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServer } from '../server-process.js';
import { SigV4Signer } from '../sigv4-signer.js';
import type { BenchTarget, RunningTarget, StartSpec } from './bench-target.js';
import type { PeerInstall } from './peer-install.js';

export function architectTarget(peers: PeerInstall): BenchTarget {
  return {
    name: 'architect-sandbox',
    version: `@architect/sandbox@${peers.version('@architect/sandbox')}`,
    how: 'its HTTP routes (POST /{name}, API Gateway v2 event); no Lambda Invoke API',
    memoryModel: 'process-per-invocation',
    coldRule: 'every-invoke',
    capNote: 'no warm sandboxes (a process per invocation)',
    start: (spec) => start(peers, spec),
  };
}

async function start(peers: PeerInstall, spec: StartSpec): Promise<RunningTarget> {
  const app = mkdtempSync(path.join(os.tmpdir(), 'bench-arc-'));
  const routes: string[] = [];
  for (const fn of spec.functions) {
    const dir = path.join(app, 'fns', fn);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.js'), 'exports.handler = async (event) => event;\n');
    routes.push(`/${fn}\n  method post\n  src fns/${fn}\n`);
  }
  writeFileSync(path.join(app, 'app.arc'), `@app\nbench\n\n@http\n${routes.join('')}`);
  const port = await freePort();
  const server = await startServer(
    process.execPath,
    [path.join(peers.nodeModules, '@architect', 'sandbox', 'src', 'cli', 'cli.js'), '--port', String(port)],
    {
      cwd: app,
      // Fixed dummy credentials keep the AWS SDK inside it from looking for instance metadata.
      env: { AWS_ACCESS_KEY_ID: 'PEER', AWS_SECRET_ACCESS_KEY: 'unused', AWS_REGION: 'us-east-1', NO_COLOR: '1' },
      ready: /Local environment ready/,
      timeoutMs: 60_000,
    },
  ).catch((error: Error) => {
    rmSync(app, { recursive: true, force: true });
    throw error;
  });
  const url = new URL(`http://127.0.0.1:${port}`);
  const signer = new SigV4Signer({ accessKeyId: 'PEER', secretAccessKey: 'unused' }, 'us-east-1');
  return {
    memoryRoots: () => [server.pid],
    invokeTarget: (fn) => ({ url, path: `/${fn}`, signer }),
    async stop() {
      await server.stop();
      rmSync(app, { recursive: true, force: true });
    },
  };
}
