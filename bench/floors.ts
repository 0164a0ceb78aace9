// The two floors Hearth is measured against, each a server process of the benchmark's own: the
// HTTP floor (floor-server.ts: the handler behind a bare node:http server) and the process-hop
// floor (process-hop-floor.ts: the same, with the handler in another process one unix-socket hop
// away). Same client and signing as every target; they ignore the signature.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InvokeTarget } from './invoke-client.js';
import { startServer } from './server-process.js';
import { SigV4Signer } from './sigv4-signer.js';

export type FloorName = 'HTTP floor' | 'process-hop floor';

const SCRIPTS: Record<FloorName, string> = {
  'HTTP floor': 'floor-server.js',
  'process-hop floor': 'process-hop-floor.js',
};

export interface RunningFloor {
  readonly label: FloorName;
  readonly pid: number;
  readonly target: InvokeTarget;
  stop(): Promise<void>;
}

export async function startFloor(label: FloorName): Promise<RunningFloor> {
  const server = await startServer(
    process.execPath,
    [path.join(path.dirname(fileURLToPath(import.meta.url)), SCRIPTS[label])],
    { ready: /floor listening on (\d+)/, timeoutMs: 10_000 },
  );
  return {
    label,
    pid: server.pid,
    target: {
      url: new URL(`http://127.0.0.1:${server.match[1]}`),
      path: '/2015-03-31/functions/echo/invocations',
      signer: new SigV4Signer({ accessKeyId: 'FLOOR', secretAccessKey: 'floor' }, 'us-east-1'),
    },
    stop: () => server.stop(),
  };
}
