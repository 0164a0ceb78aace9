// Invoke: `POST /2015-03-31/functions/{FunctionName}/invocations` (AWS Lambda API reference,
// "Invoke"). Turns the HTTP request into an InvokeRequest for the front end and its InvokeOutcome
// back into AWS's response: 200 with the payload (plus X-Amz-Function-Error when the function
// failed), 202 for Event, 204 for DryRun, 429 when throttled.
import type { IncomingHttpHeaders } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { errors } from '../../errors/lambda-error.js';
import type {
  Executed,
  InvocationType,
  InvokeOutcome,
  InvokeRequest,
  Invoker,
  LogType,
} from '../../frontend/invocation.js';
import type { ApiRequest, ApiResponse, Route } from '../route.js';

/** Sync payload cap (Invoke API reference: 6 MB request); AWS names the operation InvokeFunction. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Async payload cap (Invoke API reference: 1 MB for Event), enforced here with 413. */
export const MAX_EVENT_PAYLOAD_BYTES = 1024 * 1024;

// In the order AWS's validation message lists them.
const INVOCATION_TYPES: readonly InvocationType[] = ['Event', 'RequestResponse', 'DryRun'];
const LOG_TYPES: readonly LogType[] = ['None', 'Tail'];
const EMPTY_EVENT = Buffer.from('{}');
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function invokeRoutes(invoker: Invoker): Route[] {
  return [
    {
      // The 413 message must name InvokeFunction, as AWS's does.
      operation: 'InvokeFunction',
      method: 'POST',
      path: '/2015-03-31/functions/{FunctionName}/invocations',
      maxBodyBytes: MAX_SYNC_PAYLOAD_BYTES,
      handler: async (request) => {
        const invoke = parseInvokeRequest(
          request.params['FunctionName'] ?? '',
          request.query,
          request.headers,
          request.body,
        );
        // The caller's connection, read only if the invocation waits on it (hearth:timeout=none).
        return invokeResponse(await invoker.invoke(new HttpInvokeRequest(invoke, request)));
      },
    },
  ];
}

/**
 * The parsed request, with the caller's connection as its signal, read only when asked: a getter
 * on the prototype, since an object literal with a getter (or a spread) costs µs per invoke to
 * create in Node 20's V8.
 */
class HttpInvokeRequest implements InvokeRequest {
  readonly functionName: string;
  readonly qualifier: string | undefined;
  readonly payload: Buffer;
  readonly invocationType: InvocationType;
  readonly logType: LogType;
  readonly clientContext: string | undefined;
  /** Private (#), so the request's own fields are only the InvokeRequest's. */
  readonly #http: ApiRequest;

  constructor(parsed: InvokeRequest, http: ApiRequest) {
    this.#http = http;
    this.functionName = parsed.functionName;
    this.qualifier = parsed.qualifier;
    this.payload = parsed.payload;
    this.invocationType = parsed.invocationType;
    this.logType = parsed.logType;
    this.clientContext = parsed.clientContext;
  }

  get signal(): AbortSignal | undefined {
    return this.#http.signal;
  }
}

/** Validates headers, query and payload; the payload bytes are passed on as received. */
export function parseInvokeRequest(
  functionName: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  body: Buffer,
): InvokeRequest {
  const invocationType = oneOf(headers['x-amz-invocation-type'], INVOCATION_TYPES, 'RequestResponse', 'invocationType');
  const logType = oneOf(headers['x-amz-log-type'], LOG_TYPES, 'None', 'logType');
  if (invocationType === 'Event' && body.length > MAX_EVENT_PAYLOAD_BYTES) {
    throw errors.eventPayloadTooLarge(body.length, MAX_EVENT_PAYLOAD_BYTES);
  }
  return {
    functionName,
    qualifier: query.get('Qualifier') ?? undefined,
    payload: body.length === 0 ? EMPTY_EVENT : checkedJson(body),
    invocationType,
    logType,
    clientContext: clientContext(headers['x-amz-client-context']),
  };
}

/** The HTTP answer for an outcome; throttles and rejections are thrown for render-error. */
export function invokeResponse(outcome: InvokeOutcome): ApiResponse {
  switch (outcome.kind) {
    case 'success':
      return executed(outcome, undefined);
    case 'queued':
      // Event: the event is durable; the same request id names every attempt (Invoke reference: 202).
      return { status: 202, headers: { 'x-amzn-RequestId': outcome.requestId } };
    case 'function-error':
    case 'init-error':
    case 'timeout':
      // "The status code in the API response doesn't reflect function errors" (Invoke reference).
      return executed(outcome, 'Unhandled');
    case 'dry-run':
      return { status: 204 };
    case 'throttled':
      throw errors.tooManyRequests(outcome.reason, outcome.retryAfterSeconds);
    case 'rejected':
      throw outcome.error;
    default: {
      const unexpected: never = outcome;
      throw new Error(`Unhandled invoke outcome ${JSON.stringify(unexpected)}`);
    }
  }
}

function executed(outcome: Executed, functionError: 'Unhandled' | undefined): ApiResponse {
  const { payload, logTail } = outcome;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': outcome.executedVersion,
    // As on AWS, the response's request id is the invocation's: the id in START/END/REPORT.
    'x-amzn-RequestId': outcome.requestId,
  };
  if (functionError !== undefined) headers['X-Amz-Function-Error'] = functionError;
  if (logTail !== undefined) headers['X-Amz-Log-Result'] = Buffer.from(logTail, 'utf8').toString('base64');
  return { status: 200, headers, body: payload };
}

function oneOf<T extends string>(
  value: string | string[] | undefined,
  allowed: readonly T[],
  fallback: T,
  member: string,
): T {
  if (value === undefined) return fallback;
  const text = Array.isArray(value) ? value.join(',') : value;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw errors.constraint(text, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
}

function checkedJson(body: Buffer): Buffer {
  const prefix = 'Could not parse request body into json: Could not parse payload into json:';
  if (!isUtf8(body)) throw errors.invalidRequestContent(`${prefix} Invalid UTF-8 byte sequence in the payload`);
  try {
    JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw errors.invalidRequestContent(`${prefix} ${(error as Error).message}`);
  }
  return body;
}

function clientContext(value: string | string[] | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const text = Array.isArray(value) ? (value[0] ?? '') : value;
  const problem = 'X-Amz-Client-Context must be a base64-encoded JSON object:';
  if (!BASE64.test(text)) throw errors.invalidRequestContent(`${problem} the header is not valid base64`);
  const decoded = Buffer.from(text, 'base64');
  let parsed: unknown;
  try {
    if (!isUtf8(decoded)) throw new Error('the decoded text is not valid UTF-8');
    parsed = JSON.parse(decoded.toString('utf8'));
  } catch (error) {
    throw errors.invalidRequestContent(`${problem} ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw errors.invalidRequestContent(`${problem} the decoded JSON is not an object`);
  }
  return decoded.toString('utf8');
}
