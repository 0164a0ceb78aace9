// The benchmark's client: keep-alive HTTP/1.1 connections of its own (at most `maxSockets` per
// server), one SigV4-signed POST per invoke, the same for the floor servers, Hearth and every peer
// (peers ignore the signature headers). Each request goes out in one write and its answer is read by
// http-response-reader.ts: a few tens of microseconds of the client's CPU per invoke, where
// node:http's client machinery took ~100 on the same two cores as the servers under test
// (docs/benchmarks.md, "What runs").
import net from 'node:net';
import { HttpResponseReader, type HttpResponse } from './http-response-reader.js';
import type { SigV4Signer } from './sigv4-signer.js';

export interface InvokeTarget {
  readonly url: URL;
  readonly path: string;
  readonly signer: SigV4Signer;
  /** Extra request headers (e.g. X-Amz-Log-Type: Tail). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface InvokeAnswer {
  /** Milliseconds from sending the request to the last byte of the answer. */
  readonly ms: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface ConcurrentRun {
  readonly completed: number;
  readonly seconds: number;
  readonly latencies: number[];
}

/**
 * `concurrency` loops, each calling `once` (which resolves to its latency in ms) and waiting for
 * it, until `count` calls were made or `durationMs` passed.
 */
export async function inLoops(
  concurrency: number,
  count: number,
  durationMs: number,
  once: () => Promise<number>,
): Promise<ConcurrentRun> {
  const latencies: number[] = [];
  const started = performance.now();
  let issued = 0;
  const loop = async (): Promise<void> => {
    while (issued < count && performance.now() - started < durationMs) {
      issued += 1;
      latencies.push(await once());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return { completed: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
}

/** One keep-alive connection; at most one request on it at a time (no pipelining). */
class Connection {
  private readonly reader = new HttpResponseReader();
  private waiting: { resolve(response: HttpResponse): void; reject(error: Error): void } | undefined;
  /** Requests answered on it: a connection that has served one may have been closed by the server since. */
  served = 0;
  closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly onClosed: (connection: Connection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      let response: HttpResponse | undefined;
      try {
        response = this.reader.push(chunk);
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      if (response !== undefined) this.settle(response);
    });
    socket.on('end', () => {
      if (this.waiting !== undefined && this.reader.started) {
        try {
          this.settle(this.reader.end());
        } catch (error) {
          this.fail(error as Error);
        }
      }
      this.close();
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  request(bytes: Buffer): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  /** Whether a failure of the current request happened before any byte of its answer. */
  get unanswered(): boolean {
    return !this.reader.started;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClosed(this);
  }

  private settle(response: HttpResponse): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    this.served += 1;
    if (response.closes) this.close();
    waiting?.resolve(response);
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    this.close();
    waiting?.reject(error);
  }
}

/** The connections to one host:port: at most `maxSockets`, as node:http's agent counts them. */
class HostPool {
  private readonly idle: Connection[] = [];
  private open = 0;
  /** Requests waiting for a connection while `maxSockets` are busy. */
  private readonly queue: Array<() => void> = [];

  constructor(
    private readonly url: URL,
    private readonly maxSockets: number,
  ) {}

  async acquire(fresh: boolean): Promise<Connection> {
    for (;;) {
      if (!fresh && this.idle.length > 0) return this.idle.pop()!;
      if (this.open < this.maxSockets) {
        this.open += 1;
        const socket = net.connect({ host: this.url.hostname, port: Number(this.url.port || 80) });
        return new Connection(socket, (gone) => this.forget(gone));
      }
      if (fresh && this.idle.length > 0) {
        this.idle.shift()!.close(); // makes room for the new connection
        continue;
      }
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
  }

  release(connection: Connection): void {
    if (!connection.closed) this.idle.push(connection);
    this.queue.shift()?.();
  }

  close(): void {
    for (const connection of [...this.idle]) connection.close();
  }

  private forget(connection: Connection): void {
    this.open -= 1;
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    this.queue.shift()?.();
  }
}

export class InvokeClient {
  /** By host:port. */
  private readonly pools = new Map<string, HostPool>();

  /** `maxSockets`: connections per host:port (each server under test gets as many). */
  constructor(private readonly maxSockets: number) {}

  /** One invoke; rejects on a non-200 answer or a function error. */
  async send(target: InvokeTarget, body: Buffer): Promise<InvokeAnswer> {
    const { ms, response } = await this.request(target, 'POST', target.path, body);
    const functionError = response.headers['x-amz-function-error'];
    if (response.status !== 200 || functionError !== undefined) {
      const text = response.body.toString('utf8').slice(0, 500);
      throw new Error(`invoke answered ${response.status} ${functionError ?? ''}: ${text}`);
    }
    return { ms, headers: response.headers };
  }

  /**
   * One signed request to the target's server, with the target's extra headers on a POST;
   * resolves with the answer whatever its status, and the milliseconds from sending it to its
   * last byte.
   */
  async request(
    target: InvokeTarget,
    method: 'GET' | 'POST',
    path: string,
    body: Buffer,
  ): Promise<{ ms: number; response: HttpResponse }> {
    const started = process.hrtime.bigint();
    const signed = target.signer.sign(method, target.url.host, path, body);
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${target.url.host}\r\n`;
    const extra = method === 'POST' ? target.headers : undefined;
    for (const [name, value] of Object.entries({ ...extra, ...signed })) head += `${name}: ${value}\r\n`;
    if (method === 'POST') head += 'content-type: application/json\r\n';
    head += `content-length: ${body.length}\r\n\r\n`;
    const response = await this.exchange(target.url, Buffer.concat([Buffer.from(head, 'latin1'), body]));
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, response };
  }

  /** One invoke; resolves to its latency in milliseconds. */
  async invoke(target: InvokeTarget, body: Buffer): Promise<number> {
    return (await this.send(target, body)).ms;
  }

  /** Up to `count` invokes one after another, stopping early after `durationMs`; latencies in ms. */
  async sequential(
    target: InvokeTarget,
    body: Buffer,
    count: number,
    durationMs = Infinity,
    /** Told each latency as it comes, with the ms since the first request (probes record when). */
    each?: (latency: number, atMs: number) => void,
  ): Promise<number[]> {
    const latencies: number[] = [];
    const started = performance.now();
    while (latencies.length < count && performance.now() - started < durationMs) {
      const latency = await this.invoke(target, body);
      latencies.push(latency);
      each?.(latency, performance.now() - started);
    }
    return latencies;
  }

  /** `concurrency` loops until `count` invokes or `durationMs` elapsed, whichever comes first. */
  async concurrent(
    target: InvokeTarget,
    body: Buffer,
    concurrency: number,
    count: number,
    durationMs: number,
  ): Promise<ConcurrentRun> {
    return inLoops(concurrency, count, durationMs, () => this.invoke(target, body));
  }

  close(): void {
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }

  /**
   * Sends the request on an idle connection (or a new one) and reads its answer. A reused
   * connection that ends before any byte of the answer was closed by the server while idle (its
   * keep-alive timeout): the request is sent again once, on a new connection, as HTTP clients do.
   */
  private async exchange(url: URL, bytes: Buffer): Promise<HttpResponse> {
    let pool = this.pools.get(url.host);
    if (pool === undefined) {
      pool = new HostPool(url, this.maxSockets);
      this.pools.set(url.host, pool);
    }
    for (let attempt = 0; ; attempt += 1) {
      const connection = await pool.acquire(attempt > 0);
      try {
        const response = await connection.request(bytes);
        pool.release(connection);
        return response;
      } catch (error) {
        if (attempt > 0 || connection.served === 0 || !connection.unanswered) throw error;
      }
    }
  }
}
