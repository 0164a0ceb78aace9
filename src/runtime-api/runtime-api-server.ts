// The Runtime API 2018-06-01 of ONE sandbox (never shared: a sandbox can only see its own events).
// The execution environment hands it invocations with deliver(); the runtime long-polls
// GET /next for them and answers on …/response or …/error. Results go back through
// RuntimeApiEvents. The success path never parses the response body.
// Hearth's own runtime clients may upgrade their connection to frames (frame-session.ts): the same
// four operations and the same rules, without HTTP's per-request parsing.
// Behaviour follows https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html and AWS's
// runtime interface emulator (payload cap 6 MiB + 100 B, error bodies and status codes).
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RuntimeApiListener } from '../sandbox/sandbox-driver.js';
import { FRAMES_PATH, FRAMES_PROTOCOL } from '../runtimes/node/frame-codec.cjs';
import { errorReport } from './error-report.js';
import { FrameSession, type FrameHandler } from './frame-session.js';
import { readBody } from './request-body.js';
import { isRuntimeApiPath, routeRuntimeApi } from './runtime-api-routes.js';

/** RIE's MaxPayloadSize: 6 * 1024 * 1024 + 100. */
export const MAX_RESPONSE_BYTES = 6_291_556;

export interface RuntimeInvocation {
  readonly requestId: string;
  readonly payload: Buffer;
  /** Epoch milliseconds. */
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
  readonly clientContext: string | undefined;
}

/** What the runtime did, as past-tense events. */
export interface RuntimeApiEvents {
  /** A GET /next is waiting: init is done (the first time) or the runtime is ready again. */
  nextRequested(): void;
  responded(requestId: string, body: Buffer): void;
  errored(requestId: string, errorType: string, payload: Buffer): void;
  responseTooLarge(requestId: string): void;
  initFailed(errorType: string, payload: Buffer): void;
}

const OK = Buffer.from('{"status":"OK"}');
const TOO_LARGE = Buffer.from(
  `{"errorMessage":"Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).","errorType":"RequestEntityTooLarge"}`,
);
const INVALID_ID = Buffer.from('{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}');
// RIE answers 403 InvalidStateTransition when a runtime answers an invocation twice.
const ALREADY_ANSWERED = Buffer.from(
  '{"errorMessage":"State transition from RuntimeResponseSentState to RuntimeResponseSentState failed for runtime. Error: State transition is not allowed","errorType":"InvalidStateTransition"}',
);
const NOT_FOUND = Buffer.from('{"errorMessage":"Not found","errorType":"NotFound"}');
const NOT_ALLOWED = Buffer.from('{"errorMessage":"Method not allowed","errorType":"MethodNotAllowed"}');
const REMEMBERED_IDS = 8;
/** Room in a frame for its fields beside a body of MAX_RESPONSE_BYTES. */
const FRAME_FIELDS_ROOM = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Who waits for the next event: a GET /next's response, or a frame connection. */
type NextWaiter = ServerResponse | FrameSession;

export class RuntimeApiServer implements RuntimeApiListener {
  /** One http.Server per listening address (loopback TCP, a unix socket, or both). */
  private readonly servers: http.Server[] = [];
  /** The server, listening nowhere, of the connections adoptConnection() was given. */
  private adopter: http.Server | undefined;
  /** Where requests that are not the Runtime API's go (serveOthers); else they get 404. */
  private others: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  private parkedNext: NextWaiter | undefined;
  private queued: RuntimeInvocation | undefined;
  /** The invocation handed to the runtime and not answered yet. */
  private assigned: string | undefined;
  private readonly answered: string[] = [];
  /** Settles once the answer to `assigned` that is being read right now has been handled. */
  private answering: Promise<void> | undefined;
  /** The connection of a GET /next that came pipelined behind the answer being read. */
  private pipelinedNext: Socket | undefined;
  /** A 202 held back because the runtime already asked for its next event on the same connection:
   *  it leaves with that event, so the runtime wakes once per invocation instead of twice. */
  private heldAck: ServerResponse | undefined;
  private closed = false;
  private readonly sessions = new Set<FrameSession>();
  private readonly frames: FrameHandler = {
    next: (session) => this.nextFrom(session),
    answer: (session, kind, requestId, errorType, body) => this.frameAnswer(session, kind, requestId, errorType, body),
    initError: (_session, errorType, body) => {
      const report = errorReport(errorType, body);
      this.events.initFailed(report.errorType, report.payload);
    },
    oversized: (session, what) => this.frameOversized(session, what),
    closed: (session) => {
      this.sessions.delete(session);
      if (this.parkedNext !== session) return;
      this.parkedNext = undefined;
      this.releaseAck();
    },
  };

  constructor(private readonly events: RuntimeApiEvents) {}

  async listenTcp(host: string): Promise<string> {
    const server = await this.listen((s, done) => s.listen(0, host, done));
    const address = server.address() as AddressInfo;
    return `${host}:${address.port}`;
  }

  async listenUnix(path: string): Promise<void> {
    await this.listen((s, done) => s.listen(path, done));
  }

  /**
   * Serves a connection accepted by somebody else's listener: a specialised sandbox's pre-start
   * socket (sandbox/pool/specialisation-server.ts) hands on every connection made after its answer.
   */
  adoptConnection(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.adopter ??= this.httpServer();
    this.adopter.emit('connection', socket);
  }

  private httpServer(): http.Server {
    const server = http.createServer((request, response) => this.handle(request, response));
    // Long polls must never time out, and the runtime's keep-alive connection is reused forever.
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
    this.servers.push(server);
    return server;
  }

  private async listen(start: (server: http.Server, done: () => void) => void): Promise<http.Server> {
    const server = this.httpServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      start(server, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  /** Hands an invocation to the runtime: now if a GET /next is waiting, else when the next one comes. */
  deliver(invocation: RuntimeInvocation): void {
    const parked = this.parkedNext;
    if (parked === undefined) {
      this.queued = invocation;
      return;
    }
    this.parkedNext = undefined;
    this.send(parked, invocation);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.parkedNext = undefined;
    this.heldAck = undefined;
    for (const session of this.sessions) session.destroy();
    await Promise.all(
      this.servers.map(async (server) => {
        server.closeAllConnections();
        if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  /**
   * Requests on this server that are not the Runtime API's (by path) go to `handler`: an isolated
   * sandbox reaches Hearth's own API through its Runtime API socket and forwarder
   * (AWS_ENDPOINT_URL = the Runtime API's address), so it needs one forwarder, not two.
   */
  serveOthers(handler: (request: IncomingMessage, response: ServerResponse) => void): void {
    this.others = handler;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    if (this.others !== undefined && !isRuntimeApiPath(url)) return this.others(request, response);
    const route = routeRuntimeApi(request.method ?? 'GET', url);
    // Anything but the pipelined GET /next (which the held 202 waits for) gets its answer in order.
    if (route.kind !== 'next') this.releaseAck();
    switch (route.kind) {
      case 'next':
        return this.next(request, response);
      // Whatever goes wrong while handling an answer drops that connection and nothing else (never
      // an unhandled rejection); a runtime hanging up mid-body is already an `aborted` read.
      case 'response':
        return void this.result(request, response, route.requestId, 'response').catch(() => response.destroy());
      case 'error':
        return void this.result(request, response, route.requestId, 'error').catch(() => response.destroy());
      case 'init-error':
        return void this.initError(request, response).catch(() => response.destroy());
      case 'not-found':
        request.resume();
        return reply(response, 404, NOT_FOUND);
      case 'method-not-allowed':
        request.resume();
        return reply(response, 405, NOT_ALLOWED);
      default: {
        const never: never = route;
        throw new Error(`unhandled route ${JSON.stringify(never)}`);
      }
    }
  }

  private next(request: IncomingMessage, response: ServerResponse): void {
    request.resume();
    // A runtime may pipeline: POST …/response, then GET /next on the same connection without
    // waiting for the 202. node:http hands us the GET while the POST's body is still being read;
    // it follows that answer, so it is taken once the answer is handled (HTTP order, RFC 9112 §9.3.2).
    const answering = this.answering;
    if (answering !== undefined) {
      this.pipelinedNext = request.socket;
      return void answering.then(() => {
        // Unless the runtime hung up meanwhile: a GET parked on a dead connection would swallow an event.
        if (!request.socket.destroyed) this.next(request, response);
        else this.releaseAck();
      });
    }
    if (this.nextFrom(response)) {
      response.on('close', () => {
        if (this.parkedNext !== response) return;
        this.parkedNext = undefined;
        this.releaseAck();
      });
    }
  }

  /** A runtime is ready for its next event; true when it was parked to wait for one. */
  private nextFrom(waiter: NextWaiter): boolean {
    if (this.assigned !== undefined || this.parkedNext !== undefined) {
      this.releaseAck();
      refuse(waiter, 'next', 403, ALREADY_ANSWERED);
      return false;
    }
    const queued = this.queued;
    if (queued !== undefined) {
      this.queued = undefined;
      this.send(waiter, queued);
      return false;
    }
    this.parkedNext = waiter;
    this.events.nextRequested();
    return true;
  }

  private send(waiter: NextWaiter, invocation: RuntimeInvocation): void {
    this.releaseAck();
    this.assigned = invocation.requestId;
    if (waiter instanceof FrameSession) {
      waiter.sendEvent(invocation);
      return;
    }
    const response = waiter;
    const headers: string[] = [
      'Content-Type',
      'application/json',
      'Content-Length',
      String(invocation.payload.length),
      'Lambda-Runtime-Aws-Request-Id',
      invocation.requestId,
      'Lambda-Runtime-Deadline-Ms',
      String(invocation.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn',
      invocation.invokedFunctionArn,
      'Lambda-Runtime-Trace-Id',
      invocation.traceId,
    ];
    if (invocation.clientContext !== undefined) headers.push('Lambda-Runtime-Client-Context', invocation.clientContext);
    response.writeHead(200, headers);
    response.end(invocation.payload);
  }

  private async result(
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
    kind: 'response' | 'error',
  ): Promise<void> {
    if (requestId !== this.assigned) {
      request.resume();
      return reply(
        response,
        this.answered.includes(requestId) ? 403 : 400,
        this.answered.includes(requestId) ? ALREADY_ANSWERED : INVALID_ID,
      );
    }
    if (this.answering !== undefined) {
      // A second answer to the same invocation while the first is still being read.
      request.resume();
      return reply(response, 403, ALREADY_ANSWERED);
    }
    let answered!: () => void;
    this.answering = new Promise<void>((resolve) => (answered = resolve));
    try {
      await this.finishResult(request, response, requestId, kind);
    } finally {
      this.answering = undefined;
      this.pipelinedNext = undefined;
      answered();
    }
  }

  private async finishResult(
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
    kind: 'response' | 'error',
  ): Promise<void> {
    const read = await readBody(request, MAX_RESPONSE_BYTES);
    if (read.kind === 'aborted') return; // the runtime hung up; its exit ends the invocation
    if (requestId !== this.assigned) return reply(response, 403, ALREADY_ANSWERED);
    this.settle(requestId);
    if (read.kind === 'too-large') {
      reply(response, 413, TOO_LARGE);
      this.events.responseTooLarge(requestId);
      return;
    }
    if (this.pipelinedNext === request.socket) this.heldAck = response;
    else reply(response, 202, OK);
    if (kind === 'response') {
      this.events.responded(requestId, read.body);
    } else {
      const report = errorReport(headerValue(request, 'lambda-runtime-function-error-type'), read.body);
      this.events.errored(requestId, report.errorType, report.payload);
    }
  }

  private async initError(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const read = await readBody(request, MAX_RESPONSE_BYTES);
    if (read.kind === 'aborted') return; // the runtime hung up; its exit ends init
    reply(response, 202, OK);
    const body = read.kind === 'ok' ? read.body : Buffer.alloc(0);
    const report = errorReport(headerValue(request, 'lambda-runtime-function-error-type'), body);
    this.events.initFailed(report.errorType, report.payload);
  }

  private frameAnswer(
    session: FrameSession,
    kind: 'response' | 'error',
    requestId: string,
    errorType: string,
    body: Buffer,
  ): void {
    if (requestId !== this.assigned || this.answering !== undefined) {
      const known = this.answered.includes(requestId) || requestId === this.assigned;
      session.sendStatus(kind, known ? 403 : 400, known ? ALREADY_ANSWERED : INVALID_ID);
      return;
    }
    this.settle(requestId);
    if (body.length > MAX_RESPONSE_BYTES) {
      session.sendStatus(kind, 413, TOO_LARGE);
      this.events.responseTooLarge(requestId);
      return;
    }
    if (kind === 'response') {
      this.events.responded(requestId, body);
      return;
    }
    const report = errorReport(errorType, body);
    this.events.errored(requestId, report.errorType, report.payload);
  }

  /** A frame past the cap was skipped unread: the held invocation's answer is too large, or init failed. */
  private frameOversized(session: FrameSession, what: 'answer' | 'init-error'): void {
    if (what === 'init-error') {
      const report = errorReport(undefined, EMPTY);
      this.events.initFailed(report.errorType, report.payload);
      return;
    }
    const requestId = this.assigned;
    if (requestId === undefined || this.answering !== undefined) {
      session.sendStatus('response', 403, ALREADY_ANSWERED);
      return;
    }
    this.settle(requestId);
    session.sendStatus('response', 413, TOO_LARGE);
    this.events.responseTooLarge(requestId);
  }

  /** An HTTP/1.1 Upgrade to Hearth's frames (FRAMES_PATH); anything else is refused. */
  private upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    if (this.closed || request.url !== FRAMES_PATH || request.headers.upgrade?.toLowerCase() !== FRAMES_PROTOCOL) {
      socket.end(
        `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${NOT_FOUND.length}\r\nConnection: close\r\n\r\n${NOT_FOUND.toString()}`,
      );
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${FRAMES_PROTOCOL}\r\n\r\n`);
    this.adoptChannel(socket, head);
  }

  /** Serves frames on a connection already upgraded (here, or by a pre-started sandbox's specialisation). */
  adoptChannel(socket: Socket, head: Buffer = Buffer.alloc(0)): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const session = new FrameSession(socket, this.frames, MAX_RESPONSE_BYTES + FRAME_FIELDS_ROOM);
    this.sessions.add(session);
    session.push(head);
    socket.resume();
  }

  /** Sends the held 202, if any (it must precede every later answer on its connection). */
  private releaseAck(): void {
    const held = this.heldAck;
    if (held === undefined) return;
    this.heldAck = undefined;
    reply(held, 202, OK);
  }

  private settle(requestId: string): void {
    this.assigned = undefined;
    this.answered.push(requestId);
    if (this.answered.length > REMEMBERED_IDS) this.answered.shift();
  }
}

function refuse(waiter: NextWaiter, operation: string, status: number, body: Buffer): void {
  if (waiter instanceof FrameSession) waiter.sendStatus(operation, status, body);
  else reply(waiter, status, body);
}

function reply(response: ServerResponse, status: number, body: Buffer): void {
  response.writeHead(status, ['Content-Type', 'application/json', 'Content-Length', String(body.length)]);
  response.end(body);
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
