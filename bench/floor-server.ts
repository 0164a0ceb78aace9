// The floor: the benchmark's trivial handler behind a bare node:http server, in its own process,
// so one loopback HTTP hop with the same client and signing is what Hearth is compared against.
// Prints "floor listening on PORT" when ready.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { echoJson } from './echo-handler.js';

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    echoJson(Buffer.concat(chunks).toString('utf8')).then(
      (body) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        response.end(body);
      },
      () => {
        response.writeHead(500).end();
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`floor listening on ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
