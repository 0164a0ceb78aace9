// The benchmark's client: node:http with a keep-alive agent, one SigV4-signed POST per invoke,
// the same for the floor server, Hearth and every peer (peers ignore the signature headers).
import http from 'node:http';
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
  readonly headers: http.IncomingHttpHeaders;
}

export interface ConcurrentRun {
  readonly completed: number;
  readonly seconds: number;
  readonly latencies: number[];
}

export class InvokeClient {
  private readonly agent: http.Agent;

  constructor(maxSockets: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** One invoke; rejects on a non-200 answer or a function error. */
  send(target: InvokeTarget, body: Buffer): Promise<InvokeAnswer> {
    const started = process.hrtime.bigint();
    const headers = {
      ...target.headers,
      ...target.signer.sign('POST', target.url.host, target.path, body),
      'content-type': 'application/json',
      'content-length': String(body.length),
    };
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          agent: this.agent,
          host: target.url.hostname,
          port: target.url.port,
          method: 'POST',
          path: target.path,
          headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            const functionError = response.headers['x-amz-function-error'];
            if (response.statusCode !== 200 || functionError !== undefined) {
              const text = Buffer.concat(chunks).toString('utf8').slice(0, 500);
              reject(new Error(`invoke answered ${response.statusCode} ${functionError ?? ''}: ${text}`));
            } else {
              resolve({ ms, headers: response.headers });
            }
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
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
    const latencies: number[] = [];
    const started = performance.now();
    let issued = 0;
    const loop = async (): Promise<void> => {
      while (issued < count && performance.now() - started < durationMs) {
        issued += 1;
        latencies.push(await this.invoke(target, body));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return { completed: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
  }

  close(): void {
    this.agent.destroy();
  }
}
