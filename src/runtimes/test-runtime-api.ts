// A small Lambda Runtime API server for the runtime clients' tests: it queues events, hands each
// to the runtime's GET /next, and records what the runtime posts back (response, error, init
// error), so a test can drive a real runtime process end to end without the platform.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface QueuedEvent {
  readonly requestId?: string;
  readonly deadlineMs?: number;
  readonly invokedFunctionArn?: string;
  readonly traceId?: string;
  readonly clientContext?: string;
  readonly cognitoIdentity?: string;
}

export interface InvocationResult {
  readonly requestId: string;
  readonly kind: 'response' | 'error';
  /** The raw body the runtime posted. */
  readonly body: string;
  /** Lambda-Runtime-Function-Error-Type (errors only). */
  readonly errorType: string | undefined;
  /** Milliseconds from the runtime's GET /next being answered to its result arriving. */
  readonly handlerMs: number;
}

export interface InitError {
  readonly errorType: string | undefined;
  readonly body: Record<string, unknown>;
}

interface Pending {
  readonly id: string;
  readonly payload: string;
  readonly options: QueuedEvent;
  readonly settle: (result: InvocationResult) => void;
  sentAt?: number;
}

export class TestRuntimeApi {
  private readonly queue: Pending[] = [];
  private readonly inFlight = new Map<string, Pending>();
  private waitingNext: ServerResponse | undefined;
  private initErrorWaiters: Array<(error: InitError) => void> = [];
  private firstNextWaiters: Array<(at: number) => void> = [];
  private firstNextAt: number | undefined;
  private counter = 0;
  /** Every GET /next, as performance.now() timestamps. */
  readonly nextCalls: number[] = [];

  /** Answer with `Connection: close`, so the runtime must reconnect for every request. */
  closeConnections = false;
  /** Send events with chunked transfer encoding instead of Content-Length. */
  chunkedEvents = false;

  /** Requests that asked to upgrade (to Hearth's frames, which this server does not speak). */
  readonly upgradeRequests: string[] = [];
  private unixServer: Server | undefined;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TestRuntimeApi> {
    const server = createServer();
    const api = new TestRuntimeApi(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => api.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return api;
  }

  /** Serves the same API on a unix socket too, as Hearth's drivers do (_HEARTH_RUNTIME_API_SOCKET). */
  async listenUnix(path: string): Promise<void> {
    const server = createServer();
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.handle(req, res));
    server.listen(path);
    await once(server, 'listening');
    this.unixServer = server;
  }

  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Queues an event; resolves with what the runtime posted for it. */
  invoke(event: unknown, options: QueuedEvent = {}): Promise<InvocationResult> {
    const id = options.requestId ?? `req-${++this.counter}`;
    return new Promise((settle) => {
      this.queue.push({ id, payload: JSON.stringify(event), options, settle });
      this.dispatch();
    });
  }

  initError(): Promise<InitError> {
    return new Promise((resolve) => this.initErrorWaiters.push(resolve));
  }

  /** performance.now() of the runtime's first GET /next (its init is over then). */
  firstNext(): Promise<number> {
    if (this.firstNextAt !== undefined) return Promise.resolve(this.firstNextAt);
    return new Promise((resolve) => this.firstNextWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.waitingNext?.destroy();
    for (const server of [this.server, this.unixServer]) {
      if (server === undefined) continue;
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.upgrade !== undefined) this.upgradeRequests.push(`${req.method} ${req.url} ${req.headers.upgrade}`);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.route(req, res, Buffer.concat(chunks).toString('utf8')));
  }

  private route(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      const at = performance.now();
      this.nextCalls.push(at);
      if (this.firstNextAt === undefined) {
        this.firstNextAt = at;
        for (const waiter of this.firstNextWaiters.splice(0)) waiter(at);
      }
      this.waitingNext = res;
      this.dispatch();
      return;
    }
    const errorType = headerValue(req, 'lambda-runtime-function-error-type');
    if (req.method === 'POST' && url === '/2018-06-01/runtime/init/error') {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      for (const waiter of this.initErrorWaiters.splice(0)) waiter({ errorType, body: parsed });
      this.reply(res, 202, '{"status":"OK"}');
      return;
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    const pending = match ? this.inFlight.get(decodeURIComponent(match[1]!)) : undefined;
    if (req.method !== 'POST' || !match || !pending) {
      this.reply(res, 400, '{"errorType":"InvalidRequestID","errorMessage":"unknown request"}');
      return;
    }
    this.inFlight.delete(pending.id);
    this.reply(res, 202, '{"status":"OK"}');
    pending.settle({
      requestId: pending.id,
      kind: match[2] as 'response' | 'error',
      body,
      errorType,
      handlerMs: performance.now() - (pending.sentAt ?? 0),
    });
  }

  private reply(res: ServerResponse, status: number, body: string): void {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.closeConnections) headers['Connection'] = 'close';
    res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private dispatch(): void {
    const res = this.waitingNext;
    const next = this.queue[0];
    if (!res || !next) return;
    this.queue.shift();
    this.waitingNext = undefined;
    this.inFlight.set(next.id, next);
    const o = next.options;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': next.id,
      'Lambda-Runtime-Deadline-Ms': String(o.deadlineMs ?? Date.now() + 30_000),
      'Lambda-Runtime-Invoked-Function-Arn':
        o.invokedFunctionArn ?? 'arn:aws:lambda:us-east-1:000000000000:function:test-fn',
    };
    if (o.traceId !== undefined) headers['Lambda-Runtime-Trace-Id'] = o.traceId;
    if (o.clientContext !== undefined) headers['Lambda-Runtime-Client-Context'] = o.clientContext;
    if (o.cognitoIdentity !== undefined) headers['Lambda-Runtime-Cognito-Identity'] = o.cognitoIdentity;
    next.sentAt = performance.now();
    if (!this.chunkedEvents) headers['Content-Length'] = String(Buffer.byteLength(next.payload));
    if (this.closeConnections) headers['Connection'] = 'close';
    res.writeHead(200, headers);
    res.end(next.payload);
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
