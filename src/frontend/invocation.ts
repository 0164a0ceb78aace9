// The values that flow through the one invoke path: what a caller asks for, and what came of it.
// An outcome is a value, never an exception; every consumer switches on `kind` exhaustively.
import type { LambdaError } from '../errors/lambda-error.js';

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';
export type LogType = 'None' | 'Tail';

export interface InvokeRequest {
  /** As the caller gave it: a name, a partial ARN or a full ARN (with or without qualifier). */
  readonly functionName: string;
  readonly qualifier: string | undefined;
  readonly payload: Buffer;
  readonly invocationType: InvocationType;
  readonly logType: LogType;
  /** The decoded `X-Amz-Client-Context` JSON text, handed to the runtime as is. */
  readonly clientContext: string | undefined;
  /** The caller's connection, for a synchronous invoke over HTTP (bounds hearth:timeout=none). */
  readonly signal?: AbortSignal;
  /** Async pollers run every attempt of an event with the request id its 202 carried. */
  readonly requestId?: string;
}

/** Fields every outcome of a function that actually ran carries. */
export interface Executed {
  readonly requestId: string;
  readonly executedVersion: string;
  /** The response body the caller receives (the function's result or Lambda's error object). */
  readonly payload: Buffer;
  /** The last 4 KB of this invocation's log (START … REPORT), only when `logType` was Tail. */
  readonly logTail: string | undefined;
}

export type InvokeOutcome =
  | ({ readonly kind: 'success' } & Executed)
  /** The handler reported an error, the runtime crashed or the response was too large. */
  | ({ readonly kind: 'function-error'; readonly errorType: string } & Executed)
  /** Init failed (import error, handler not found, exit during init). */
  | ({ readonly kind: 'init-error'; readonly errorType: string } & Executed)
  /** The function ran past its Timeout (`Sandbox.Timedout`). */
  | ({ readonly kind: 'timeout' } & Executed)
  /** Event: the event is durably queued (the API answers 202); pollers run it later. */
  | { readonly kind: 'queued'; readonly requestId: string }
  /** DryRun: the caller may invoke; nothing ran. */
  | { readonly kind: 'dry-run' }
  | { readonly kind: 'throttled'; readonly reason: string; readonly retryAfterSeconds: number }
  /** Refused before anything ran (not found, not ready, bad request) or the platform failed. */
  | { readonly kind: 'rejected'; readonly error: LambdaError };

/** The front end's one entry point; the API, async pollers and event-source pollers all call it. */
export interface Invoker {
  invoke(request: InvokeRequest): Promise<InvokeOutcome>;
}
