// What a pre-started sandbox's runtime talks to before it has a function: one Hearth-only request,
// GET /2018-06-01/hearth/specialisation, on the sandbox's own Runtime API socket. Hearth holds the
// request until the sandbox is given to a function, then answers with that function's complete
// environment (Connection: close) and stops listening; the function's real Runtime API server
// takes the socket's place. No function code runs in the sandbox before the answer, and the
// route is gone after it, so only Hearth can specialise a sandbox, and only once.
import http from 'node:http';
import type { ServerResponse } from 'node:http';

export const SPECIALISATION_PATH = '/2018-06-01/hearth/specialisation';

export class SpecialisationServer {
  private readonly server: http.Server;
  private waiting: ServerResponse | undefined;
  private answered = false;
  private onRequest: (() => void) | undefined;
  /** Resolves when the runtime asked for its function: the sandbox is ready. */
  readonly requested: Promise<void>;

  constructor() {
    this.requested = new Promise<void>((resolve) => (this.onRequest = resolve));
    this.server = http.createServer((request, response) => {
      request.resume();
      if (
        request.method !== 'GET' ||
        request.url !== SPECIALISATION_PATH ||
        this.waiting !== undefined ||
        this.answered
      ) {
        response.writeHead(404, { 'Content-Type': 'application/json', Connection: 'close' });
        response.end('{"errorMessage":"Not found","errorType":"NotFound"}');
        return;
      }
      this.waiting = response;
      this.onRequest?.();
    });
    this.server.keepAliveTimeout = 0;
    this.server.requestTimeout = 0;
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops accepting connections now (and removes the socket file); the waiting request stays open. */
  stopListening(): void {
    this.server.close();
  }

  /** Answers the waiting request with the function's environment; at most once. */
  answer(env: Readonly<Record<string, string>>): void {
    const response = this.waiting;
    if (response === undefined || this.answered) throw new Error('the sandbox has not asked for a function');
    this.answered = true;
    this.waiting = undefined;
    const body = JSON.stringify({ env });
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    });
    response.end(body);
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}
