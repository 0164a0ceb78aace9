// A handler process of the process-hop floor (process-hop-floor.ts): reads one event frame at a
// time from fd 3, runs the benchmark's handler, writes the answer frame back.
import net from 'node:net';
import { FrameReader, writeFrame } from './process-hop-frames.js';

const handler = async (event: unknown): Promise<unknown> => event;

const socket = new net.Socket({ fd: 3, readable: true, writable: true });
const reader = new FrameReader((body) => {
  const text = body.toString('utf8');
  void handler(text === '' ? {} : JSON.parse(text)).then((result) => {
    writeFrame(socket, Buffer.from(JSON.stringify(result)));
  });
});
socket.on('data', (chunk: Buffer) => reader.push(chunk));
socket.on('end', () => process.exit(0));
