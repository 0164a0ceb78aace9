// The benchmark's client: node:http with a keep-alive agent, one signed POST per invoke, the
// same for the floor server and for Hearth.
import http from 'node:http';
import type { SigV4Signer } from './sigv4-signer.js';

export interface InvokeTarget {
  readonly url: URL;
  readonly path: string;
  readonly signer: SigV4Signer;
}

export class InvokeClient {
  private readonly agent: http.Agent;

  constructor(maxSockets: number) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** One invoke; resolves to its latency in milliseconds. Rejects on a non-200 answer. */
  invoke(target: InvokeTarget, body: Buffer): Promise<number> {
    const started = process.hrtime.bigint();
    const headers = {
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
            const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
            const functionError = response.headers['x-amz-function-error'];
            if (response.statusCode !== 200 || functionError !== undefined) {
              const text = Buffer.concat(chunks).toString('utf8').slice(0, 500);
              reject(new Error(`invoke answered ${response.statusCode} ${functionError ?? ''}: ${text}`));
            } else {
              resolve(elapsed);
            }
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** `count` invokes one after another; latencies in ms. */
  async sequential(target: InvokeTarget, body: Buffer, count: number): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; i < count; i += 1) latencies.push(await this.invoke(target, body));
    return latencies;
  }

  /** `concurrency` loops until `count` invokes or `durationMs` elapsed, whichever comes first. */
  async concurrent(
    target: InvokeTarget,
    body: Buffer,
    concurrency: number,
    count: number,
    durationMs: number,
  ): Promise<{ completed: number; seconds: number; latencies: number[] }> {
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
