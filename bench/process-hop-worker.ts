// A handler process of the process-hop floor (process-hop-floor.ts): reads one event frame at a
// time from fd 3, runs the benchmark's handler, writes the answer frame back.
import net from 'node:net';
import { echoJson } from './echo-handler.js';
import { FrameReader, writeFrame } from './process-hop-frames.js';

const socket = new net.Socket({ fd: 3, readable: true, writable: true });
const reader = new FrameReader((body) => {
  void echoJson(body.toString('utf8')).then((answer) => writeFrame(socket, Buffer.from(answer)));
});
socket.on('data', (chunk: Buffer) => reader.push(chunk));
socket.on('end', () => process.exit(0));
