// Maps what happened in the sandbox to what the caller gets: the Invoke response payloads Lambda
// sends for platform-detected failures (timeout, exit, oversized response), exhaustively.
// Wording from AWS-validated snapshots (see /docs LAMBDA-BEHAVIOUR §1.5).
import { LATEST } from '../control-plane/function-record.js';
import type { SandboxResult } from '../sandbox/sandbox-result.js';
import { MAX_RESPONSE_BYTES } from '../runtime-api/runtime-api-server.js';
import type { InvokeOutcome } from './invocation.js';

export function toInvokeOutcome(
  result: SandboxResult,
  requestId: string,
  logTail: string | undefined,
  executedVersion: string = LATEST,
): InvokeOutcome {
  // Fields written out, not spread from a shared object: a spread among other properties cost a
  // few µs per call in Node 20's V8, on every invoke.
  switch (result.kind) {
    case 'success':
      return { kind: 'success', requestId, executedVersion, logTail, payload: result.payload };
    case 'function-error':
      return {
        kind: 'function-error',
        errorType: result.errorType,
        requestId,
        executedVersion,
        logTail,
        payload: result.payload,
      };
    case 'init-error':
      return {
        kind: 'init-error',
        errorType: result.errorType,
        requestId,
        executedVersion,
        logTail,
        payload: result.payload,
      };
    case 'timeout':
      return {
        kind: 'timeout',
        requestId,
        executedVersion,
        logTail,
        payload: errorPayload(
          'Sandbox.Timedout',
          `RequestId: ${requestId} Error: Task timed out after ${result.timeoutSeconds.toFixed(2)} seconds`,
        ),
      };
    case 'exit': {
      const payload = errorPayload('Runtime.ExitError', `RequestId: ${requestId} Error: ${result.reason}`);
      return result.phase === 'init'
        ? { kind: 'init-error', errorType: 'Runtime.ExitError', requestId, executedVersion, logTail, payload }
        : { kind: 'function-error', errorType: 'Runtime.ExitError', requestId, executedVersion, logTail, payload };
    }
    case 'response-too-large':
      return {
        kind: 'function-error',
        errorType: 'Function.ResponseSizeTooLarge',
        requestId,
        executedVersion,
        logTail,
        payload: errorPayload(
          'Function.ResponseSizeTooLarge',
          `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        ),
      };
    default: {
      const never: never = result;
      throw new Error(`unknown sandbox result ${JSON.stringify(never)}`);
    }
  }
}

function errorPayload(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}
