// lambda-local: one `lambda-local --watch PORT` server per function, each running the handler
// in its own process (in-process, no sandbox). Its watch mode serves POST / with an API Gateway
// v2 event and refuses ES modules ("Watch mode not supported for ECMAScript lambda modules."),
// so it gets the CommonJS form of the same handler.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServer, type ServerProcess } from '../server-process.js';
import { SigV4Signer } from '../sigv4-signer.js';
import type { BenchTarget, RunningTarget, StartSpec } from './bench-target.js';
import type { PeerInstall } from './peer-install.js';

export function lambdaLocalTarget(peers: PeerInstall): BenchTarget {
  return {
    name: 'lambda-local',
    version: `lambda-local@${peers.version('lambda-local')}`,
    how: 'its --watch HTTP server (POST /, API Gateway v2 event), one server process per function',
    memoryModel: 'process-per-function',
    coldRule: 'first-invoke',
    capNote: 'one process per function',
    manyFunctionsSkip:
      'lambda-local serves one handler per process: 200 functions would be 200 servers with no eviction, so there is nothing to measure',
    start: (spec) => start(peers, spec),
  };
}

async function start(peers: PeerInstall, spec: StartSpec): Promise<RunningTarget> {
  const app = mkdtempSync(path.join(os.tmpdir(), 'bench-lambda-local-'));
  writeFileSync(path.join(app, 'index.js'), 'exports.handler = async (event) => event;\n');
  const cli = path.join(peers.nodeModules, 'lambda-local', 'build', 'cli.js');
  const servers = new Map<string, { server: ServerProcess; url: URL }>();
  const stop = async (): Promise<void> => {
    await Promise.all([...servers.values()].map(({ server }) => server.stop()));
    rmSync(app, { recursive: true, force: true });
  };
  try {
    for (const fn of spec.functions) {
      const port = await freePort();
      const server = await startServer(
        process.execPath,
        [cli, '-l', 'index.js', '-h', 'handler', '-v', '0', '-t', '30', '--watch', String(port)],
        { cwd: app, ready: /listening on http:\/\/localhost:(\d+)/, timeoutMs: 30_000 },
      );
      servers.set(fn, { server, url: new URL(`http://127.0.0.1:${server.match[1]}`) });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const signer = new SigV4Signer({ accessKeyId: 'PEER', secretAccessKey: 'unused' }, 'us-east-1');
  const entry = (fn: string): { server: ServerProcess; url: URL } => {
    const found = servers.get(fn);
    if (!found) throw new Error(`lambda-local has no server for ${fn}`);
    return found;
  };
  return {
    memoryRoots: (fns) => fns.map((fn) => entry(fn).server.pid),
    invokeTarget: (fn) => ({ url: entry(fn).url, path: '/', signer }),
    stop,
  };
}
