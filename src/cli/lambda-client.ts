// A small SigV4-signed client for the Lambda REST API (and Hearth's logs endpoint) over fetch.
// Paths and success codes follow the Lambda API model (see /work/shared/LAMBDA-API.md).
import { signRequest } from '../api/auth/sigv4.js';
import { apiErrorFromResponse } from './api-error-response.js';
import { CliError } from './cli-error.js';
import type { Connection } from './client-connection.js';
import type {
  FunctionConfiguration,
  FunctionSettings,
  InvokeResult,
  ListFunctionsOutput,
  LogPage,
} from './lambda-wire.js';

export type Signer = typeof signRequest;

export interface LambdaClientOptions {
  readonly connection: Connection;
  /** Added to "cannot reach" errors, e.g. which variable chose the endpoint. */
  readonly unreachableHint: string;
  readonly sign?: Signer;
  readonly fetch?: typeof fetch;
}

interface RawRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Milliseconds; none for Invoke, which may run for the function's whole timeout. */
  readonly timeoutMs?: number;
}

interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
}

const CONTROL_TIMEOUT_MS = 60_000;
const fn = (name: string): string => `/2015-03-31/functions/${encodeURIComponent(name)}`;

export class LambdaClient {
  private readonly sign: Signer;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: LambdaClientOptions) {
    this.sign = options.sign ?? signRequest;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  get endpoint(): string {
    return this.options.connection.endpoint;
  }

  createFunction(input: FunctionSettings & { FunctionName: string; ZipFile: Buffer }): Promise<FunctionConfiguration> {
    const { ZipFile, ...rest } = input;
    return this.json('POST', '/2015-03-31/functions', { ...rest, Code: { ZipFile: ZipFile.toString('base64') } });
  }

  getFunctionConfiguration(name: string): Promise<FunctionConfiguration> {
    return this.json('GET', `${fn(name)}/configuration`);
  }

  updateFunctionCode(name: string, zip: Buffer): Promise<FunctionConfiguration> {
    return this.json('PUT', `${fn(name)}/code`, { ZipFile: zip.toString('base64') });
  }

  updateFunctionConfiguration(name: string, settings: FunctionSettings): Promise<FunctionConfiguration> {
    return this.json('PUT', `${fn(name)}/configuration`, settings);
  }

  async deleteFunction(name: string): Promise<void> {
    await this.send({ method: 'DELETE', path: fn(name), timeoutMs: CONTROL_TIMEOUT_MS });
  }

  listFunctions(marker: string | undefined, maxItems = 50): Promise<ListFunctionsOutput> {
    return this.json('GET', '/2015-03-31/functions', undefined, { Marker: marker, MaxItems: String(maxItems) });
  }

  // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
  async invoke(
    name: string,
    payload: Buffer,
    options: { qualifier?: string | undefined; tail?: boolean },
  ): Promise<InvokeResult> {
    const response = await this.send({
      method: 'POST',
      path: `${fn(name)}/invocations`,
      query: { Qualifier: options.qualifier },
      body: payload,
      headers: {
        'content-type': 'application/json',
        'x-amz-invocation-type': 'RequestResponse',
        'x-amz-log-type': options.tail === true ? 'Tail' : 'None',
      },
    });
    const logResult = response.headers.get('x-amz-log-result');
    return {
      statusCode: response.status,
      payload: response.body,
      functionError: response.headers.get('x-amz-function-error') ?? undefined,
      logTail: logResult === null ? undefined : Buffer.from(logResult, 'base64').toString('utf8'),
      executedVersion: response.headers.get('x-amz-executed-version') ?? undefined,
    };
  }

  /** Hearth's own endpoint for stored log lines after sequence number `after`. */
  getLogs(name: string, after: number, limit: number): Promise<LogPage> {
    return this.json('GET', `/hearth/2026-11-01/functions/${encodeURIComponent(name)}/logs`, undefined, {
      after: String(after),
      limit: String(limit),
    });
  }

  private async json<T>(
    method: RawRequest['method'],
    path: string,
    body?: unknown,
    query?: RawRequest['query'],
  ): Promise<T> {
    const response = await this.send({
      method,
      path,
      timeoutMs: CONTROL_TIMEOUT_MS,
      ...(query === undefined ? {} : { query }),
      ...(body === undefined
        ? {}
        : { body: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json' } }),
    });
    if (response.body.length === 0) return {} as T;
    try {
      return JSON.parse(response.body.toString('utf8')) as T;
    } catch {
      throw new CliError(`${this.endpoint} answered ${method} ${path} with something that is not JSON; is it Hearth?`);
    }
  }

  private async send(request: RawRequest): Promise<RawResponse> {
    const { connection } = this.options;
    const url = new URL(connection.endpoint + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const body = request.body ?? Buffer.alloc(0);
    const signed = this.sign({
      method: request.method,
      url,
      headers: { ...request.headers },
      body,
      region: connection.region,
      service: 'lambda',
      credentials: connection.credentials,
    });
    // fetch sets Host itself from the URL (the same value that was signed).
    const headers = Object.fromEntries(Object.entries(signed).filter(([key]) => key.toLowerCase() !== 'host'));
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: request.method,
        headers,
        ...(body.length > 0 || request.method === 'POST' || request.method === 'PUT' ? { body } : {}),
        ...(request.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(request.timeoutMs) }),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    const responseBody = Buffer.from(await response.arrayBuffer());
    if (response.status >= 300) {
      throw apiErrorFromResponse(response.status, response.headers.get('x-amzn-errortype'), responseBody);
    }
    return { status: response.status, headers: response.headers, body: responseBody };
  }

  private unreachable(error: unknown): CliError {
    const endpoint = this.endpoint;
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return new CliError(`Hearth at ${endpoint} did not answer in time; is it overloaded or stuck?`);
    }
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const detail =
      cause?.code === 'ECONNREFUSED' || cause === undefined
        ? ''
        : cause.code === 'ENOTFOUND' || cause.code === 'EAI_AGAIN'
          ? ' (host not found)'
          : cause.message === 'bad port'
            ? ` (fetch refuses port ${new URL(endpoint).port}; run Hearth on another port)`
            : ` (${String(cause.code ?? cause.message)})`;
    return new CliError(
      `Cannot reach Hearth at ${endpoint}${detail} — is \`hearth start\` running? ${this.options.unreachableHint}`,
    );
  }
}
