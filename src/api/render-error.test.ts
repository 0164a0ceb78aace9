// Errors as the real AWS SDK v3 sees them: the name, message, status and modeled fields must
// come through exactly as they do from AWS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import {
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { errors } from '../errors/lambda-error.js';
import { staticCredentials } from './auth/credentials.js';
import { renderError } from './render-error.js';
import type { Route } from './route.js';
import { createApiServer } from './server.js';

test('renderError: status, x-amzn-ErrorType, JSON body with Type, message and extra fields and headers', () => {
  const rendered = renderError(errors.tooManyRequests('ReservedFunctionConcurrentInvocationLimitExceeded', 3));
  assert.equal(rendered.status, 429);
  assert.equal(rendered.headers['x-amzn-ErrorType'], 'TooManyRequestsException');
  assert.equal(rendered.headers['Content-Type'], 'application/json');
  assert.equal(rendered.headers['Retry-After'], '3');
  assert.equal(rendered.headers['Content-Length'], String(Buffer.byteLength(rendered.body)));
  assert.deepEqual(JSON.parse(rendered.body), {
    Type: 'User',
    message: 'Rate Exceeded.',
    Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  });
  assert.equal(JSON.parse(renderError(errors.service()).body).Type, 'Service');
});

const operator = { accessKeyId: 'AKIAHEARTHRENDER0000', secretAccessKey: 'render-secret' };
const routes: Route[] = [
  {
    operation: 'Invoke',
    method: 'POST',
    path: '/2015-03-31/functions/{FunctionName}/invocations',
    handler: async () => {
      throw errors.tooManyRequests('ReservedFunctionConcurrentInvocationLimitExceeded', 7);
    },
  },
  {
    operation: 'GetFunction',
    method: 'GET',
    path: '/2015-03-31/functions/{FunctionName}',
    handler: async (request) => {
      throw errors.functionNotFound(`arn:aws:lambda:us-east-1:000000000000:function:${request.params['FunctionName']}`);
    },
  },
  {
    operation: 'ListFunctions',
    method: 'GET',
    path: '/2015-03-31/functions/',
    handler: async () => {
      throw new Error('database exploded at /var/lib/secret');
    },
  },
];

let server: Server;
let client: LambdaClient;
const logged: string[] = [];

before(async () => {
  server = createApiServer({
    routes,
    credentials: staticCredentials(operator),
    region: 'us-east-1',
    log: (line) => logged.push(line),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new LambdaClient({ endpoint, region: 'us-east-1', credentials: operator, maxAttempts: 1 });
});
after(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('SDK: TooManyRequestsException with Reason, Retry-After and status 429', async () => {
  await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'f' })), (error: unknown) => {
    assert.ok(error instanceof TooManyRequestsException);
    assert.equal(error.name, 'TooManyRequestsException');
    assert.equal(error.message, 'Rate Exceeded.');
    assert.equal(error.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    assert.equal(error.Type, 'User');
    assert.equal(error.retryAfterSeconds, '7');
    assert.equal(error.$metadata.httpStatusCode, 429);
    assert.match(error.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
    return true;
  });
});

test('SDK: ResourceNotFoundException with the message', async () => {
  await assert.rejects(client.send(new GetFunctionCommand({ FunctionName: 'nope' })), (error: unknown) => {
    assert.ok(error instanceof ResourceNotFoundException);
    assert.equal(error.message, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope');
    assert.equal(error.$metadata.httpStatusCode, 404);
    return true;
  });
});

test('SDK: an unexpected failure is a 500 ServiceException that hides internals and is logged with the request id', async () => {
  await assert.rejects(
    client.send(new ListFunctionsCommand({})),
    (error: Error & { $metadata: { httpStatusCode?: number; requestId?: string } }) => {
      assert.equal(error.name, 'ServiceException');
      assert.equal(error.message, 'An internal error occurred. Please retry.');
      assert.equal(error.$metadata.httpStatusCode, 500);
      assert.doesNotMatch(error.message, /secret/);
      const line = logged.find((l) => l.includes(error.$metadata.requestId ?? '?'));
      assert.ok(line, 'logged with the request id');
      assert.match(line, /ListFunctions.*database exploded/s);
      return true;
    },
  );
});
