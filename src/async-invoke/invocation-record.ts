// The invocation record Lambda sends to an on-success or on-failure destination
// (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html):
// version "1.0", timestamp, requestContext, requestPayload, responseContext, responsePayload.
// When the function never ran (ZeroReservedConcurrency, or expired before any attempt) the
// record has no responseContext and no responsePayload.
import type { FailureCondition } from './retry-policy.js';

/** What the last attempt answered; kept on the queue row between attempts (as JSON). */
export interface AttemptResponse {
  readonly statusCode: number;
  readonly executedVersion: string;
  /** "Unhandled" for any function error, as in the Invoke response's X-Amz-Function-Error. */
  readonly functionError: string | undefined;
  /** The response payload as text (the function's result or Lambda's error object). */
  readonly payload: string;
}

export interface InvocationRecordInput {
  readonly requestId: string;
  /** The invoked function's ARN with its qualifier (`:$LATEST` when unqualified). */
  readonly functionArn: string;
  readonly condition: 'Success' | FailureCondition;
  readonly approximateInvokeCount: number;
  readonly requestPayload: Buffer;
  readonly response: AttemptResponse | undefined;
  readonly timestamp: Date;
}

export function invocationRecord(input: InvocationRecordInput): Record<string, unknown> {
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: input.timestamp.toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    requestPayload: jsonOrText(input.requestPayload.toString('utf8')),
  };
  const response = input.response;
  if (response !== undefined) {
    record['responseContext'] = {
      statusCode: response.statusCode,
      executedVersion: response.executedVersion,
      ...(response.functionError !== undefined ? { functionError: response.functionError } : {}),
    };
    record['responsePayload'] = jsonOrText(response.payload);
  }
  return record;
}

/** A payload that is JSON is embedded as JSON; anything else as a string. */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function parseAttemptResponse(json: string | undefined): AttemptResponse | undefined {
  if (json === undefined) return undefined;
  return JSON.parse(json) as AttemptResponse;
}
