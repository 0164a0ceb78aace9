// What a pre-started sandbox's runtime talks to before it has a function, on the sandbox's own
// Runtime API socket. Hearth holds the runtime's request until the sandbox is given to a function,
// then answers once with that function's complete environment. From then on every connection to
// the socket goes to the function's own Runtime API server: the socket never changes hands on
// disk, and the runtime is never without a server. No function code runs in the sandbox before the
// answer, and the route is gone after it, so only Hearth can specialise a sandbox, and only once.
// Two ways to ask, one answer each:
//   - Hearth's Node runtime upgrades to its runtime channel (FRAMES_PATH, as on any sandbox) and
//     waits for a Specialise frame; the connection then goes on to the function's Runtime API
//     server (runtimes/node/specialise.ts);
//   - any other runtime (Python) sends GET SPECIALISATION_PATH and gets the environment as JSON,
//     Connection: close.
import http from 'node:http';
import type { ServerResponse } from 'node:http';
import net, { type Socket } from 'node:net';
import type { RuntimeApiListener } from '../sandbox-driver.js';
import { encodeFrame, FRAMES_PATH, FRAMES_PROTOCOL, FrameType } from '../../runtimes/node/frame-codec.cjs';

export const SPECIALISATION_PATH = '/2018-06-01/hearth/specialisation';

const NOT_FOUND = '{"errorMessage":"Not found","errorType":"NotFound"}';

/** Where a specialised sandbox's connections go: the function's Runtime API server. */
export type Successor = Pick<RuntimeApiListener, 'adoptChannel' | 'adoptConnection'>;

export class SpecialisationServer {
  /** Accepts on the socket; hands connections to `server` until answered, then to the successor. */
  private readonly listener: net.Server;
  /** Listens nowhere: serves the connections `listener` gives it. */
  private readonly server: http.Server;
  private waiting: ServerResponse | Socket | undefined;
  private successor: Successor | undefined;
  private onRequest: (() => void) | undefined;
  /** Resolves when the runtime asked for its function: the sandbox is ready. */
  readonly requested: Promise<void>;

  constructor() {
    this.requested = new Promise<void>((resolve) => (this.onRequest = resolve));
    this.server = http.createServer((request, response) => {
      request.resume();
      if (request.method !== 'GET' || request.url !== SPECIALISATION_PATH || !this.open()) {
        response.writeHead(404, { 'Content-Type': 'application/json', Connection: 'close' });
        response.end(NOT_FOUND);
        return;
      }
      this.hold(response);
    });
    this.server.on('upgrade', (request: http.IncomingMessage, socket: Socket) => {
      socket.on('error', () => socket.destroy());
      if (request.url !== FRAMES_PATH || request.headers.upgrade?.toLowerCase() !== FRAMES_PROTOCOL || !this.open()) {
        socket.end(
          `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${NOT_FOUND.length}\r\nConnection: close\r\n\r\n${NOT_FOUND}`,
        );
        return;
      }
      socket.setNoDelay(true);
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${FRAMES_PROTOCOL}\r\n\r\n`);
      this.hold(socket);
    });
    this.server.keepAliveTimeout = 0;
    this.server.requestTimeout = 0;
    this.listener = net.createServer((socket) => {
      if (this.successor !== undefined) this.successor.adoptConnection(socket);
      else this.server.emit('connection', socket);
    });
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(socketPath, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
  }

  /**
   * Answers the waiting runtime with the function's environment; at most once. Its runtime channel,
   * and every connection made from now on, go to `successor`.
   */
  answer(env: Readonly<Record<string, string>>, successor: Successor): void {
    const waiting = this.waiting;
    if (waiting === undefined || this.successor !== undefined)
      throw new Error('the sandbox has not asked for a function');
    this.successor = successor;
    this.waiting = undefined;
    // Connections the pre-start server still holds (a refused one closing) are not the function's.
    this.server.closeAllConnections();
    const body = JSON.stringify({ env });
    if (waiting instanceof http.ServerResponse) {
      waiting.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Connection: 'close',
      });
      waiting.end(body);
      return;
    }
    if (waiting.destroyed) throw new Error('the pre-started runtime closed its channel');
    waiting.cork();
    for (const part of encodeFrame(FrameType.Specialise, [], body)) waiting.write(part);
    waiting.uncork();
    successor.adoptChannel(waiting);
  }

  /** Stops listening (the socket file goes) and drops what the pre-start server holds. */
  close(): void {
    if (this.waiting !== undefined && !(this.waiting instanceof http.ServerResponse)) this.waiting.destroy();
    this.server.closeAllConnections();
    this.listener.close();
  }

  private open(): boolean {
    return this.waiting === undefined && this.successor === undefined;
  }

  private hold(waiting: ServerResponse | Socket): void {
    this.waiting = waiting;
    this.onRequest?.();
  }
}
