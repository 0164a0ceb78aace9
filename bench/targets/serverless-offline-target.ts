// serverless-offline (serverless framework v3): a serverless.yml listing every function, all with
// the same ESM handler, served by `serverless offline start`; invoked on its Lambda Invoke API
// (the lambda port). It runs handlers in worker threads inside its own process.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServer } from '../server-process.js';
import { SigV4Signer } from '../sigv4-signer.js';
import type { BenchTarget, RunningTarget, StartSpec } from './bench-target.js';
import type { PeerInstall } from './peer-install.js';

const SERVICE = 'bench';
const STAGE = 'dev';

export function serverlessOfflineTarget(peers: PeerInstall): BenchTarget {
  return {
    name: 'serverless-offline',
    version: `serverless@${peers.version('serverless')} + serverless-offline@${peers.version('serverless-offline')}`,
    how: 'Lambda Invoke API on its lambda port (POST /2015-03-31/functions/{name}/invocations)',
    memoryModel: 'in-process',
    coldRule: 'first-invoke',
    capNote: 'no cap on warm handlers (all 200 stay loaded)',
    start: (spec) => start(peers, spec),
  };
}

async function start(peers: PeerInstall, spec: StartSpec): Promise<RunningTarget> {
  const app = mkdtempSync(path.join(os.tmpdir(), 'bench-sls-'));
  symlinkSync(peers.nodeModules, path.join(app, 'node_modules'), 'dir');
  writeFileSync(path.join(app, 'index.mjs'), 'export const handler = async (event) => event;\n');
  const [lambdaPort, httpPort, websocketPort] = [await freePort(), await freePort(), await freePort()];
  const functions = spec.functions.map((name) => `  ${name}:\n    handler: index.handler\n`).join('');
  writeFileSync(
    path.join(app, 'serverless.yml'),
    `service: ${SERVICE}\nframeworkVersion: '3'\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  region: us-east-1\n  stage: ${STAGE}\n` +
      `plugins:\n  - serverless-offline\ncustom:\n  serverless-offline:\n    host: 127.0.0.1\n` +
      `    lambdaPort: ${lambdaPort}\n    httpPort: ${httpPort}\n    websocketPort: ${websocketPort}\n` +
      `functions:\n${functions}`,
  );
  const server = await startServer(
    process.execPath,
    [path.join(peers.nodeModules, 'serverless', 'bin', 'serverless.js'), 'offline', 'start'],
    {
      cwd: app,
      env: {
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        SLS_INTERACTIVE_SETUP_DISABLE: '1',
        SLS_DEPRECATION_DISABLE: '*',
      },
      ready: /\[http for lambda\] listening on http:\/\/127\.0\.0\.1:(\d+)/,
      timeoutMs: 120_000,
    },
  ).catch((error: Error) => {
    rmSync(app, { recursive: true, force: true });
    throw error;
  });
  const url = new URL(`http://127.0.0.1:${server.match[1]}`);
  const signer = new SigV4Signer({ accessKeyId: 'PEER', secretAccessKey: 'unused' }, 'us-east-1');
  return {
    memoryRoots: () => [server.pid],
    invokeTarget: (fn) => ({ url, path: `/2015-03-31/functions/${SERVICE}-${STAGE}-${fn}/invocations`, signer }),
    async stop() {
      await server.stop();
      rmSync(app, { recursive: true, force: true });
    },
  };
}
