// The Lambda REST API's HTTP server. Per request: match a route, read the body within the route's
// cap, verify SigV4, call the handler, write its response. A thrown LambdaError is rendered by
// render-error.ts; anything else is a 500 ServiceException, logged with the request id and never
// shown to the client. This is the hot path of every invoke: no per-request compilation, one
// await on the handler, and none on the body when the request declares none.
import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { errors, LambdaError } from '../errors/lambda-error.js';
import { CanonicalPaths, verifySigV4, SigningKeys } from './auth/sigv4.js';
import type { CredentialResolver } from './auth/credentials.js';
import { ClientGoneError, declaresNoBody, emptyBody, readBody } from './body-reader.js';
import { renderError } from './render-error.js';
import type { ApiRequest, ApiResponse, Route } from './route.js';
import { Router } from './router.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ApiServerOptions {
  readonly routes: readonly Route[];
  readonly credentials: CredentialResolver;
  readonly region: string;
  /** The SigV4 signing name; default `lambda`. */
  readonly service?: string;
  /** Allowed difference between X-Amz-Date and our clock; default 900 s (AWS's 15 minutes). */
  readonly clockSkewSeconds?: number;
  /** Where unexpected failures are reported; default stderr. */
  readonly log?: (line: string) => void;
}

export function createApiServer(options: ApiServerOptions): http.Server {
  const router = new Router(options.routes);
  const region = options.region;
  const service = options.service ?? 'lambda';
  const clockSkewSeconds = options.clockSkewSeconds ?? 900;
  const signingKeys = new SigningKeys();
  const canonicalPaths = new CanonicalPaths();
  const credentials = options.credentials;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);
    const query = new URLSearchParams(rawQuery);
    const match = router.match(method, rawPath, query);
    if (match.kind !== 'found') {
      sendError(res, requestId, errors.unknownOperation(method, rawPath));
      return;
    }
    const { route, params } = match;

    // A client that goes away before its answer (a disconnect, an SDK abort) cancels what waits on it.
    // Made on first use: only invocations with hearth:timeout=none wait on it (an AbortSignal and a
    // 'close' listener per request were ~3% of the server's CPU on the warm invoke path).
    let gone: AbortController | undefined;
    const signal = (): AbortSignal => {
      if (gone === undefined) {
        const controller = new AbortController();
        gone = controller;
        if (req.socket.destroyed && !res.writableFinished) controller.abort();
        else {
          res.once('close', () => {
            if (!res.writableFinished) controller.abort();
          });
        }
      }
      return gone.signal;
    };
    const dispatch = async (body: Buffer): Promise<void> => {
      try {
        const accessKeyId =
          route.unsigned === true
            ? ''
            : verifySigV4({ method, rawPath, rawQuery, headers: req.headers, body }, credentials, {
                region,
                service,
                clockSkewSeconds,
                now: new Date(),
                signingKeys,
                canonicalPaths,
              });
        const response = await route.handler(
          new ServerRequest(method, rawPath, params, query, req.headers, body, accessKeyId, signal),
        );
        send(res, requestId, response);
      } catch (error) {
        fail(res, requestId, route.operation, error);
      }
    };

    if (declaresNoBody(req)) {
      void dispatch(emptyBody());
      return;
    }
    readBody(req, route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, route.operation).then(dispatch, (error: unknown) =>
      fail(res, requestId, route.operation, error),
    );
  };

  const fail = (res: ServerResponse, requestId: string, operation: string, error: unknown): void => {
    if (error instanceof ClientGoneError) return;
    if (error instanceof LambdaError) {
      sendError(res, requestId, error);
      return;
    }
    log(
      `hearth api: request ${requestId} (${operation}) failed: ${error instanceof Error ? error.stack : String(error)}`,
    );
    sendError(res, requestId, errors.service());
  };

  const server = http.createServer(onRequest);
  // Keep-alive: SDK clients reuse connections; stay open longer than their idle pools expect.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/**
 * A route's view of the request. The signal is made on first read (a getter on the prototype: an
 * object literal with a getter costs ~0.7 µs per request to create in Node 20's V8).
 */
class ServerRequest implements ApiRequest {
  readonly #signalOf: () => AbortSignal;

  constructor(
    readonly method: string,
    readonly rawPath: string,
    readonly params: Readonly<Record<string, string>>,
    readonly query: URLSearchParams,
    readonly headers: IncomingHttpHeaders,
    readonly body: Buffer,
    readonly accessKeyId: string,
    signalOf: () => AbortSignal,
  ) {
    this.#signalOf = signalOf;
  }

  get signal(): AbortSignal {
    return this.#signalOf();
  }
}

function send(res: ServerResponse, requestId: string, response: ApiResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = response.body;
  let payload: Buffer | string;
  let contentType: string | undefined;
  if (body === undefined) payload = '';
  else if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
  else {
    payload = JSON.stringify(body);
    const declared = response.headers;
    if (declared === undefined || (declared['Content-Type'] === undefined && declared['content-type'] === undefined)) {
      contentType = 'application/json';
    }
  }
  // A flat [name, value, …] list: node:http writes it without building its header map first.
  const given = response.headers;
  const headers: string[] = [];
  if (given?.['x-amzn-RequestId'] === undefined) headers.push('x-amzn-RequestId', requestId);
  if (contentType !== undefined) headers.push('Content-Type', contentType);
  if (given !== undefined) {
    for (const name in given) if (name !== 'Content-Length') headers.push(name, given[name] as string);
  }
  headers.push('Content-Length', String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length));
  res.writeHead(response.status, headers);
  res.end(payload);
}

function sendError(res: ServerResponse, requestId: string, error: LambdaError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const rendered = renderError(error);
  rendered.headers['x-amzn-RequestId'] = requestId;
  res.writeHead(rendered.status, rendered.headers);
  res.end(rendered.body);
}
