// The process-hop floor: the HTTP floor (floor-server.ts), but the handler runs in another Node
// process, one per concurrent request as a sandbox is (started on first need, then kept), reached
// over a unix socket with length-prefixed frames. It is the least a platform that runs handlers
// outside its own process adds to the HTTP floor: one more hop each way, to a process of its own.
// No isolation, no logs, no accounting. Prints "process-hop floor listening on PORT" when ready.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameReader, writeFrame } from './process-hop-frames.js';

/** One handler process: its socket, and the answer it owes. */
interface Worker {
  readonly socket: Duplex;
  answer?: (body: Buffer) => void;
}

const workerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'process-hop-worker.js');
const idle: Worker[] = [];

function startWorker(): Worker {
  const child = spawn(process.execPath, [workerScript], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  const socket = child.stdio[3] as Duplex;
  const worker: Worker = { socket };
  const reader = new FrameReader((body) => {
    const answer = worker.answer;
    worker.answer = undefined;
    idle.push(worker);
    answer?.(body);
  });
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  child.once('exit', (code) => {
    process.stderr.write(`process-hop worker exited (${String(code)})\n`);
    process.exit(1);
  });
  return worker;
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const worker = idle.pop() ?? startWorker();
    worker.answer = (body) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      response.end(body);
    };
    writeFrame(worker.socket, Buffer.concat(chunks));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`process-hop floor listening on ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
