// Invoke through the real AWS SDK v3 client against the real server, with a fake front end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient, type InvokeCommandInput } from '@aws-sdk/client-lambda';
import { errors } from '../../errors/lambda-error.js';
import type { InvokeOutcome, InvokeRequest, Invoker } from '../../frontend/invocation.js';
import { staticCredentials } from '../auth/credentials.js';
import { signRequest } from '../auth/sigv4.js';
import { createApiServer } from '../server.js';
import { invokeRoutes, parseInvokeRequest } from './invoke.js';

const operator = { accessKeyId: 'AKIAHEARTHINVOKE0000', secretAccessKey: 'invoke-secret' };
const requests: InvokeRequest[] = [];
let next: (request: InvokeRequest) => InvokeOutcome = (request) => ({
  kind: 'success',
  requestId: 'r-1',
  executedVersion: '$LATEST',
  payload: request.payload,
  logTail: undefined,
});
const invoker: Invoker = {
  invoke: async (request) => {
    requests.push(request);
    return next(request);
  },
};

let server: Server;
let endpoint: string;
let client: LambdaClient;

before(async () => {
  server = createApiServer({
    routes: invokeRoutes(invoker),
    credentials: staticCredentials(operator),
    region: 'us-east-1',
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new LambdaClient({ endpoint, region: 'us-east-1', credentials: operator, maxAttempts: 1 });
});
after(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const invoke = (input: Partial<InvokeCommandInput> = {}) =>
  client.send(new InvokeCommand({ FunctionName: 'f', ...input }));
const lastRequest = (): InvokeRequest => {
  const request = requests[requests.length - 1];
  assert.ok(request, 'the invoker was called');
  return request;
};

async function rejectsWith(
  promise: Promise<unknown>,
  name: string,
  status: number,
  message?: string | RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(error.name, name, error.message);
    assert.equal(error.$metadata?.httpStatusCode, status);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

test('success: 200, the payload, the executed version; the request reaches the invoker as sent', async () => {
  const before = requests.length;
  const out = await invoke({
    FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    Qualifier: 'live',
    Payload: Buffer.from('{ "a" : 1 }'),
    ClientContext: Buffer.from('{"custom":{"k":"v"}}').toString('base64'),
  });
  assert.equal(out.StatusCode, 200);
  assert.equal(out.ExecutedVersion, '$LATEST');
  assert.equal(out.FunctionError, undefined);
  assert.equal(Buffer.from(out.Payload ?? []).toString(), '{ "a" : 1 }', 'bytes passed on, not re-serialized');
  assert.equal(requests.length, before + 1);
  // The caller's connection comes along (hearth:timeout=none); it was open the whole time.
  const { signal, ...request } = lastRequest();
  assert.equal(signal?.aborted, false);
  assert.deepEqual(
    { ...request, payload: request.payload.toString() },
    {
      functionName: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      qualifier: 'live',
      payload: '{ "a" : 1 }',
      invocationType: 'RequestResponse',
      logType: 'None',
      clientContext: '{"custom":{"k":"v"}}',
    },
  );
});

test('an empty payload is passed on as {}', async () => {
  await invoke();
  assert.equal(lastRequest().payload.toString(), '{}');
});

test('LogType Tail: X-Amz-Log-Result is the base64 of the tail', async () => {
  const tail = 'START RequestId: r-1 Version: $LATEST\nhello ✓\nEND RequestId: r-1\n';
  next = (request) => ({
    kind: 'success',
    requestId: 'r-1',
    executedVersion: '3',
    payload: request.payload,
    logTail: tail,
  });
  const out = await invoke({ LogType: 'Tail', Payload: Buffer.from('1') });
  assert.equal(lastRequest().logType, 'Tail');
  assert.equal(Buffer.from(out.LogResult ?? '', 'base64').toString('utf8'), tail);
  assert.equal(out.ExecutedVersion, '3');
});

test('function error, init error and timeout: 200 with FunctionError Unhandled and the error payload', async () => {
  const executed = { requestId: 'r', executedVersion: '$LATEST', logTail: undefined };
  const outcomes: InvokeOutcome[] = [
    {
      kind: 'function-error',
      errorType: 'Error',
      payload: Buffer.from('{"errorType":"Error","errorMessage":"boom"}'),
      ...executed,
    },
    {
      kind: 'init-error',
      errorType: 'Runtime.ImportModuleError',
      payload: Buffer.from('{"errorType":"Runtime.ImportModuleError"}'),
      ...executed,
    },
    { kind: 'timeout', payload: Buffer.from('{"errorType":"Sandbox.Timedout"}'), ...executed },
  ];
  for (const outcome of outcomes) {
    next = () => outcome;
    const out = await invoke();
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    assert.equal(Buffer.from(out.Payload ?? []).toString(), (outcome as { payload: Buffer }).payload.toString());
  }
});

test('Event: 202 with an empty body and the queued request id; DryRun: 204', async () => {
  next = () => ({ kind: 'queued', requestId: 'queued-request-id' });
  const event = await invoke({ InvocationType: 'Event', Payload: Buffer.from('{}') });
  assert.equal(event.StatusCode, 202);
  assert.equal(event.$metadata.requestId, 'queued-request-id');
  assert.equal(Buffer.from(event.Payload ?? []).length, 0);
  assert.equal(lastRequest().invocationType, 'Event');
  next = () => ({ kind: 'dry-run' });
  const dry = await invoke({ InvocationType: 'DryRun' });
  assert.equal(dry.StatusCode, 204);
});

test('throttled: 429 TooManyRequestsException with Reason and Retry-After; rejected: the error as is', async () => {
  next = () => ({
    kind: 'throttled',
    reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    retryAfterSeconds: 2,
  });
  await assert.rejects(
    invoke(),
    (error: Error & { Reason?: string; retryAfterSeconds?: string; $metadata: { httpStatusCode?: number } }) => {
      assert.equal(error.name, 'TooManyRequestsException');
      assert.equal(error.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(error.retryAfterSeconds, '2');
      assert.equal(error.$metadata.httpStatusCode, 429);
      return true;
    },
  );
  const arn = 'arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST';
  next = () => ({ kind: 'rejected', error: errors.functionNotFound(arn) });
  await rejectsWith(invoke(), 'ResourceNotFoundException', 404, `Function not found: ${arn}`);
});

test('payloads that are not JSON or not UTF-8 are 400 InvalidRequestContentException before the invoker runs', async () => {
  const before = requests.length;
  await rejectsWith(
    invoke({ Payload: Buffer.from('{"a":') }),
    'InvalidRequestContentException',
    400,
    /^Could not parse request body into json: Could not parse payload into json: /,
  );
  await rejectsWith(
    invoke({ Payload: Buffer.from([0x22, 0x6e, 0x87, 0x72, 0x9e, 0x22]) }),
    'InvalidRequestContentException',
    400,
    /^Could not parse request body into json: .*UTF-8/,
  );
  await rejectsWith(
    invoke({ ClientContext: 'not base64!' }),
    'InvalidRequestContentException',
    400,
    /X-Amz-Client-Context/,
  );
  assert.equal(requests.length, before);
});

/** Bad header values the SDK would refuse to send, signed by hand. */
async function rawInvoke(
  headers: Record<string, string>,
): Promise<{ status: number; type: string | null; message: string }> {
  const url = new URL(`${endpoint}/2015-03-31/functions/f/invocations`);
  const body = Buffer.from('{}');
  const signed = signRequest({
    method: 'POST',
    url,
    headers,
    body,
    region: 'us-east-1',
    service: 'lambda',
    credentials: operator,
  });
  delete signed['host'];
  const res = await fetch(url, { method: 'POST', headers: signed, body });
  return {
    status: res.status,
    type: res.headers.get('x-amzn-errortype'),
    message: ((await res.json()) as { message: string }).message,
  };
}

test('unknown invocation or log type: 400 ValidationException in AWS wording', async () => {
  assert.deepEqual(await rawInvoke({ 'X-Amz-Invocation-Type': 'Foo' }), {
    status: 400,
    type: 'ValidationException',
    message:
      "1 validation error detected: Value 'Foo' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
  });
  assert.deepEqual(await rawInvoke({ 'X-Amz-Log-Type': 'All' }), {
    status: 400,
    type: 'ValidationException',
    message:
      "1 validation error detected: Value 'All' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]",
  });
});

test('6 MB exactly is accepted; 6 MB + 1 is 413 naming InvokeFunction', async () => {
  next = () => ({
    kind: 'success',
    requestId: 'r',
    executedVersion: '$LATEST',
    payload: Buffer.from('"ok"'),
    logTail: undefined,
  });
  const exactly = Buffer.alloc(6 * 1024 * 1024, 'a');
  exactly[0] = 0x22;
  exactly[exactly.length - 1] = 0x22;
  const out = await invoke({ Payload: exactly });
  assert.equal(out.StatusCode, 200);
  assert.equal(lastRequest().payload.length, 6_291_456);
  const over = Buffer.alloc(6 * 1024 * 1024 + 1, 'a');
  over[0] = 0x22;
  over[over.length - 1] = 0x22;
  await rejectsWith(
    invoke({ Payload: over }),
    'RequestEntityTooLargeException',
    413,
    'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
  );
});

test('Event payloads over 1 MB are 413 before anything is queued', async () => {
  const before = requests.length;
  const big = Buffer.alloc(1024 * 1024 + 1, 'a');
  big[0] = 0x22;
  big[big.length - 1] = 0x22;
  await rejectsWith(
    invoke({ InvocationType: 'Event', Payload: big }),
    'RequestEntityTooLargeException',
    413,
    '1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
  );
  assert.equal(requests.length, before);
});

test('parseInvokeRequest: defaults', () => {
  const parsed = parseInvokeRequest('f', new URLSearchParams(), {}, Buffer.alloc(0));
  assert.deepEqual(
    { ...parsed, payload: parsed.payload.toString() },
    {
      functionName: 'f',
      qualifier: undefined,
      payload: '{}',
      invocationType: 'RequestResponse',
      logType: 'None',
      clientContext: undefined,
    },
  );
});
