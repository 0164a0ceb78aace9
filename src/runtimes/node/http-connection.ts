// A minimal HTTP/1.1 client over one keep-alive TCP connection, for the Runtime API only.
// Why not node:http: loading it costs ~11 ms of every cold start (node:net ~5 ms), and a warm
// invocation is two requests on one connection that need none of its generality. It handles what
// a Runtime API server may send: Content-Length or chunked bodies, `Connection: close`, and a
// server that closed the idle connection (the request is retried once on a new one).
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
  /** True once any byte of the response arrived: such a request is never retried. */
  answered: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export class HttpConnection {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private exchange: Exchange | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** `socketPath`, when given, is a unix socket serving the same API (host/port then only name it). */
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly socketPath?: string,
  ) {}

  /** Sends one request; requests are sent one after another, never interleaved. */
  request(
    method: string,
    path: string,
    headers: Readonly<Record<string, string>>,
    body?: string,
  ): Promise<HttpResponse> {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]!.replace(/[\r\n]/g, ' ')}\r\n`;
    const payload =
      body === undefined ? head + '\r\n' : `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const run = (): Promise<HttpResponse> =>
      this.send(payload).catch((error: Error & { retry?: boolean }) => {
        if (error.retry === true) return this.send(payload);
        throw error;
      });
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private send(payload: string): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const reused = this.socket !== undefined;
      const socket = this.socket ?? this.open();
      this.exchange = {
        resolve,
        reject: (error: Error & { retry?: boolean }) => {
          // A reused connection that dies before answering was closed by the server while idle.
          if (reused && this.exchange?.answered === false) error.retry = true;
          reject(error);
        },
        answered: false,
      };
      socket.ref();
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
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(socket, error));
    socket.on('close', () => this.fail(socket, new Error('Runtime API connection closed')));
    return socket;
  }

  private fail(socket: Socket, error: Error): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    socket.destroy();
    const exchange = this.exchange;
    this.exchange = undefined;
    exchange?.reject(error);
  }

  private onData(chunk: Buffer): void {
    if (this.exchange) this.exchange.answered = true;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const parsed = parseResponse(this.buffer);
    if (parsed === undefined) return;
    const { response, rest, close } = parsed;
    this.buffer = rest;
    const exchange = this.exchange;
    this.exchange = undefined;
    const socket = this.socket;
    if (close && socket) {
      this.socket = undefined;
      socket.destroy();
    } else {
      socket?.unref();
    }
    exchange?.resolve(response);
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
