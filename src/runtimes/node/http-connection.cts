// A minimal HTTP/1.1 client over one keep-alive TCP connection, for the Runtime API only.
// Why not node:http: loading it costs ~11 ms of every cold start (node:net ~5 ms), and a warm
// invocation is two requests on one connection that need none of its generality. With Hearth's
// server, requests are pipelined (POST …/response and the next GET /next leave in one write,
// saving a round trip per invocation); answers come back in order. It handles what a Runtime API server may send:
// Content-Length or chunked bodies, `Connection: close` (requests pipelined behind it are sent
// again on a new connection), and a server that closed the idle connection (the request is retried
// once on a new one).
// While no request is in flight the socket is unref'd, so an idle connection never keeps the
// event loop alive (invocation-runner relies on that to see an empty loop).
import { connect, type Socket } from 'node:net';

export interface HttpResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

interface Exchange {
  readonly resolve: (response: HttpResponse) => void;
  readonly reject: (error: Error) => void;
  /** Sent on a connection that had served requests before (it may have been closed while idle). */
  readonly reused: boolean;
  /** True once any byte of the response arrived: such a request is never retried. */
  answered: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export class HttpConnection {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  /** Requests written on `socket` and not answered yet, oldest first (answers come in order). */
  private pending: Exchange[] = [];
  private readonly hostHeader: string;
  /** Without pipelining: settles when the last request made so far has its answer. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * `socketPath`, when given, is a unix socket serving the same API (host/port then only name it).
   * `pipelining` only for a server known to take it (Hearth's own): a server that answers a request
   * with `Connection: close` after it already took the one pipelined behind it would lose that one.
   */
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly socketPath?: string,
    private readonly pipelining = false,
  ) {
    this.hostHeader = `Host: ${host}:${port}\r\n`;
  }

  /**
   * Sends one request. With pipelining it goes out at once, even while earlier ones wait for their
   * answers; without, after the previous answer. Answers resolve in the order requests were made.
   */
  request(
    method: string,
    path: string,
    headers: Readonly<Record<string, string>>,
    body?: string,
  ): Promise<HttpResponse> {
    let head = `${method} ${path} HTTP/1.1\r\n${this.hostHeader}`;
    for (const name in headers) head += `${name}: ${headers[name]!.replace(/[\r\n]/g, ' ')}\r\n`;
    const payload =
      body === undefined ? head + '\r\n' : `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const run = (): Promise<HttpResponse> =>
      this.send(payload).catch((error: Error & { retry?: boolean }) => {
        if (error.retry === true) return this.send(payload);
        throw error;
      });
    if (this.pipelining) return run();
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private send(payload: string): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const reused = this.socket !== undefined;
      const socket = this.socket ?? this.open();
      this.pending.push({ resolve, reject, reused, answered: false });
      socket.ref();
      // Requests made in the same tick (an answer and the next GET /next) leave in one write.
      if (socket.writableCorked === 0) {
        socket.cork();
        process.nextTick(() => socket.uncork());
      }
      socket.write(payload, 'utf8');
    });
  }

  private open(): Socket {
    const socket =
      this.socketPath === undefined
        ? connect({ host: this.host, port: this.port, noDelay: true })
        : connect({ path: this.socketPath });
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.pending = [];
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(socket, error));
    socket.on('close', () => this.fail(socket, new Error('Runtime API connection closed')));
    return socket;
  }

  private fail(socket: Socket, error: Error): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    socket.destroy();
    this.rejectPending(error);
  }

  /** Rejects every unanswered request; one not answered at all on a reused connection is retried
   *  (the server closed that connection while it was idle). */
  private rejectPending(error: Error, retryAll = false): void {
    const pending = this.pending;
    this.pending = [];
    for (const exchange of pending) {
      const failure: Error & { retry?: boolean } = new Error(error.message);
      if (retryAll || (exchange.reused && !exchange.answered)) failure.retry = true;
      exchange.reject(failure);
    }
  }

  private onData(chunk: Buffer): void {
    const first = this.pending[0];
    if (first !== undefined) first.answered = true;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const parsed = parseResponse(this.buffer);
      if (parsed === undefined) return;
      const { response, rest, close } = parsed;
      this.buffer = rest;
      const exchange = this.pending.shift();
      if (close) {
        const socket = this.socket;
        this.socket = undefined;
        socket?.destroy();
        // Requests pipelined behind this answer were never read: send them again.
        this.rejectPending(new Error('Runtime API closed the connection'), true);
        exchange?.resolve(response);
        return;
      }
      if (this.pending.length === 0) this.socket?.unref();
      else (this.pending[0] as Exchange).answered = rest.length > 0;
      exchange?.resolve(response);
      if (rest.length === 0) return;
    }
  }
}

/** Parses one complete response from the front of `data`, or returns undefined if more is needed. */
export function parseResponse(data: Buffer): { response: HttpResponse; rest: Buffer; close: boolean } | undefined {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd === -1) return undefined;
  const lines = data.toString('latin1', 0, headerEnd).split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const close = headers.get('connection')?.toLowerCase() === 'close';
  let offset = headerEnd + HEADER_END.length;
  if (headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = data.indexOf('\r\n', offset);
      if (lineEnd === -1) return undefined;
      const size = parseInt(data.toString('latin1', offset, lineEnd), 16);
      if (size === 0) {
        // The last chunk: "0\r\n", optional trailer lines, then an empty line.
        const trailerEnd = data.indexOf(HEADER_END, lineEnd);
        if (trailerEnd === -1) return undefined;
        const end = trailerEnd + HEADER_END.length;
        return {
          response: { status, headers, body: Buffer.concat(parts).toString('utf8') },
          rest: data.subarray(end),
          close,
        };
      }
      const start = lineEnd + 2;
      if (data.length < start + size + 2) return undefined;
      parts.push(data.subarray(start, start + size));
      offset = start + size + 2;
    }
  }
  const length = Number(headers.get('content-length') ?? 0);
  if (data.length < offset + length) return undefined;
  const body = data.toString('utf8', offset, offset + length);
  return { response: { status, headers, body }, rest: data.subarray(offset + length), close };
}
