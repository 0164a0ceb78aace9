// What a route of the Lambda REST API looks like to the server. Routes live in routes/, one file
// per resource; the server (server.ts) reads the body within the route's cap, verifies SigV4,
// matches the route and renders a thrown LambdaError (render-error.ts).
import type { IncomingHttpHeaders } from 'node:http';

export interface ApiRequest {
  readonly method: string;
  /** The path exactly as sent (still percent-encoded), without the query string. */
  readonly rawPath: string;
  /** Path parameters from the route pattern, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The access key that signed the request. */
  readonly accessKeyId: string;
  /** Aborted when the client's connection closes before the response has been sent. */
  readonly signal?: AbortSignal;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A Buffer or string is sent as is; anything else is sent as JSON. Omitted: empty body. */
  readonly body?: unknown;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResponse>;

export interface Route {
  /** The AWS operation name, e.g. `CreateFunction`; used in errors and metrics. */
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path with `{Name}` placeholders, e.g. `/2015-03-31/functions/{FunctionName}/invocations`. */
  readonly path: string;
  /** When set, only requests whose query has these keys (and values, when given) match. */
  readonly query?: Readonly<Record<string, string | true>>;
  /** Largest body accepted, in bytes; larger gets 413 RequestEntityTooLargeException. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Requests need no SigV4 signature (e.g. presigned code downloads that carry their own token). */
  readonly unsigned?: boolean;
  readonly handler: RouteHandler;
}
