// An AWS SDK v3 Lambda client pointed at a test server, and the calls every e2e test makes.
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type CreateFunctionCommandInput,
  type FunctionConfiguration,
  type InvocationType,
  type LogType,
  type UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Credentials, HearthServer } from './hearth-server.js';

export const TEST_ROLE = 'arn:aws:iam::000000000000:role/hearth-e2e';

export function lambdaClient(server: HearthServer, credentials: Credentials = server.credentials): LambdaClient {
  return new LambdaClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials,
    // One attempt: a retried 5xx would hide the failure the test is looking for.
    maxAttempts: 1,
  });
}

/** A function name unique to this run, readable in logs. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** CreateFunction, then the SDK's own function-active-v2 waiter. */
export async function createAndWait(
  client: LambdaClient,
  input: Omit<CreateFunctionCommandInput, 'Role'> & { Role?: string },
): Promise<FunctionConfiguration> {
  await client.send(new CreateFunctionCommand({ Role: TEST_ROLE, ...input }));
  await waitUntilFunctionActiveV2(
    { client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
    { FunctionName: input.FunctionName },
  );
  return client.send(new GetFunctionConfigurationCommand({ FunctionName: input.FunctionName }));
}

export async function updateConfigurationAndWait(
  client: LambdaClient,
  input: UpdateFunctionConfigurationCommandInput,
): Promise<FunctionConfiguration> {
  const updated = await client.send(new UpdateFunctionConfigurationCommand(input));
  await waitUntilFunctionUpdatedV2(
    { client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
    { FunctionName: input.FunctionName },
  );
  return updated;
}

export async function updateCodeAndWait(
  client: LambdaClient,
  name: string,
  zip: Buffer,
): Promise<FunctionConfiguration> {
  const updated = await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }));
  await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { FunctionName: name });
  return updated;
}

export interface InvokeResult {
  readonly statusCode: number | undefined;
  readonly functionError: string | undefined;
  /** The response payload as text ('' when there is none). */
  readonly text: string;
  /** The decoded `LogResult` tail ('' unless LogType Tail was asked for). */
  readonly logs: string;
  readonly requestId: string | undefined;
  readonly executedVersion: string | undefined;
}

export interface InvokeOptions {
  readonly logType?: LogType;
  readonly invocationType?: InvocationType;
  /** Base64 of a JSON object, sent as X-Amz-Client-Context. */
  readonly clientContext?: string;
  /** Raw bytes to send instead of JSON.stringify(payload). */
  readonly raw?: Uint8Array;
}

export async function invoke(
  client: LambdaClient,
  name: string,
  payload: unknown = {},
  options: InvokeOptions = {},
): Promise<InvokeResult> {
  const out = await client.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: options.raw ?? Buffer.from(JSON.stringify(payload)),
      LogType: options.logType,
      InvocationType: options.invocationType,
      ClientContext: options.clientContext,
    }),
  );
  return {
    statusCode: out.StatusCode,
    functionError: out.FunctionError,
    text: out.Payload ? Buffer.from(out.Payload).toString('utf8') : '',
    logs: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : '',
    requestId: out.$metadata.requestId,
    executedVersion: out.ExecutedVersion,
  };
}

/** Invokes and parses the payload as JSON, failing the test on a function error. */
export async function invokeOk<T = Record<string, unknown>>(
  client: LambdaClient,
  name: string,
  payload: unknown = {},
): Promise<T> {
  const result = await invoke(client, name, payload);
  assert.equal(result.functionError, undefined, `function error from ${name}: ${result.text}`);
  assert.equal(result.statusCode, 200);
  return JSON.parse(result.text) as T;
}

export interface ExpectedError {
  readonly name: string;
  readonly status: number;
  /** Exact message, or a pattern it must match. */
  readonly message?: string | RegExp;
}

/** Asserts that `action` fails with the AWS error a Lambda client would see. */
export async function expectLambdaError(action: Promise<unknown>, expected: ExpectedError): Promise<Error> {
  let caught: unknown;
  try {
    await action;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Error, `expected ${expected.name} (${expected.status}), but the call succeeded`);
  const metadata = (caught as { $metadata?: { httpStatusCode?: number } }).$metadata;
  assert.equal(caught.name, expected.name, `error name (message: ${caught.message})`);
  assert.equal(metadata?.httpStatusCode, expected.status, `HTTP status of ${caught.name}: ${caught.message}`);
  if (typeof expected.message === 'string') assert.equal(caught.message, expected.message);
  else if (expected.message) assert.match(caught.message, expected.message);
  return caught;
}
