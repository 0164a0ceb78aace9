// The `context` object handed to a Node handler (AWS docs, "Using the Lambda context object to
// retrieve Node.js function information"), with the legacy succeed/fail/done methods.
import type { NextInvocation } from './runtime-api-client.cjs';

/** Facts about the function that do not change between invocations. */
export interface FunctionFacts {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** How the context's legacy methods end the invocation. */
export interface Completion {
  succeed(result: unknown): void;
  fail(error: unknown): void;
  done(error: unknown, result?: unknown): void;
}

export interface InvokeContext extends FunctionFacts, Completion {
  callbackWaitsForEmptyEventLoop: boolean;
  readonly invokedFunctionArn: string;
  readonly awsRequestId: string;
  readonly clientContext: unknown;
  readonly identity: unknown;
  readonly tenantId: string | undefined;
  getRemainingTimeInMillis(): number;
}

export function buildContext(facts: FunctionFacts, invocation: NextInvocation, completion: Completion): InvokeContext {
  const deadline = invocation.deadlineMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: facts.functionName,
    functionVersion: facts.functionVersion,
    memoryLimitInMB: facts.memoryLimitInMB,
    logGroupName: facts.logGroupName,
    logStreamName: facts.logStreamName,
    invokedFunctionArn: invocation.invokedFunctionArn,
    awsRequestId: invocation.requestId,
    clientContext: parseJson(invocation.clientContext),
    identity: parseJson(invocation.cognitoIdentity),
    tenantId: invocation.tenantId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    succeed: completion.succeed,
    fail: completion.fail,
    done: completion.done,
  };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
