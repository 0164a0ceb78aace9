// The Lambda Runtime API 2018-06-01 as the function's process calls it: one keep-alive connection
// to http://${AWS_LAMBDA_RUNTIME_API}, a long-polled GET /next (no timeout: the sandbox may wait
// for a long time between events), then POST /response or /error.
// (AWS docs, "Using the Lambda runtime API for custom runtimes".)
import { HttpConnection, type HttpResponse } from './http-connection.cjs';
import type { ErrorPayload } from './runtime-errors.cjs';

export interface NextInvocation {
  readonly requestId: string;
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  readonly traceId: string | undefined;
  readonly clientContext: string | undefined;
  readonly cognitoIdentity: string | undefined;
  readonly tenantId: string | undefined;
  /** The event exactly as the platform sent it (JSON text). */
  readonly body: string;
}

/** The four Runtime API operations, over HTTP (RuntimeApiClient) or Hearth's frames (FrameClient). */
export interface RuntimeChannel {
  next(): Promise<NextInvocation>;
  /** Resolves once sent (or answered); the platform's verdict is not acted on. */
  postResponse(requestId: string, json: string): Promise<unknown>;
  postError(requestId: string, payload: ErrorPayload): Promise<unknown>;
  postInitError(payload: ErrorPayload): Promise<unknown>;
}

const BASE = '/2018-06-01/runtime';
const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

export class RuntimeApiClient implements RuntimeChannel {
  private readonly connection: HttpConnection;

  /** `socketPath`: the platform's unix socket for the same API, preferred when present. */
  constructor(hostPort: string, socketPath?: string) {
    const colon = hostPort.lastIndexOf(':');
    const host = colon > 0 ? hostPort.slice(0, colon).replace(/^\[|\]$/g, '') : hostPort;
    const port = colon > 0 ? Number(hostPort.slice(colon + 1)) : 80;
    // Hearth's own Runtime API (the one behind the unix socket) takes pipelined requests.
    this.connection = new HttpConnection(host, port, socketPath, socketPath !== undefined);
  }

  async next(): Promise<NextInvocation> {
    const response = await this.connection.request('GET', `${BASE}/invocation/next`, {});
    if (response.status !== 200) throw new Error(`GET /next answered ${response.status}: ${response.body}`);
    const h = response.headers;
    return {
      requestId: h.get('lambda-runtime-aws-request-id') ?? '',
      deadlineMs: Number(h.get('lambda-runtime-deadline-ms') ?? 0),
      invokedFunctionArn: h.get('lambda-runtime-invoked-function-arn') ?? '',
      traceId: h.get('lambda-runtime-trace-id'),
      clientContext: h.get('lambda-runtime-client-context'),
      cognitoIdentity: h.get('lambda-runtime-cognito-identity'),
      tenantId: h.get('lambda-runtime-aws-tenant-id'),
      body: response.body,
    };
  }

  /** The platform's answer is not acted on: a rejected response (e.g. too large) is its to report. */
  postResponse(requestId: string, json: string): Promise<HttpResponse> {
    return this.connection.request(
      'POST',
      `${BASE}/invocation/${encodeURIComponent(requestId)}/response`,
      JSON_HEADERS,
      json,
    );
  }

  postError(requestId: string, payload: ErrorPayload): Promise<HttpResponse> {
    const path = `${BASE}/invocation/${encodeURIComponent(requestId)}/error`;
    return this.connection.request('POST', path, errorHeaders(payload), JSON.stringify(payload));
  }

  postInitError(payload: ErrorPayload): Promise<HttpResponse> {
    return this.connection.request('POST', `${BASE}/init/error`, errorHeaders(payload), JSON.stringify(payload));
  }
}

function errorHeaders(payload: ErrorPayload): Record<string, string> {
  return { ...JSON_HEADERS, 'Lambda-Runtime-Function-Error-Type': payload.errorType };
}
