import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors } from '../errors/lambda-error.js';
import { staticCredentials } from './auth/credentials.js';
import { signRequest } from './auth/sigv4.js';
import type { Route } from './route.js';
import { createApiServer } from './server.js';

const operator = { accessKeyId: 'AKIAHEARTHSERVER0000', secretAccessKey: 'server-secret' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let handled = 0;
const routes: Route[] = [
  { operation: 'Json', method: 'GET', path: '/t/json', handler: async () => ({ status: 200, body: { a: [1, 'é'] } }) },
  {
    operation: 'Raw',
    method: 'GET',
    path: '/t/raw',
    handler: async () => ({
      status: 201,
      headers: { 'Content-Type': 'text/plain', 'X-Extra': 'yes' },
      body: 'plain é',
    }),
  },
  { operation: 'Empty', method: 'DELETE', path: '/t/empty', handler: async () => ({ status: 204 }) },
  {
    operation: 'Echo',
    method: 'POST',
    path: '/t/echo/{Id}',
    maxBodyBytes: 1000,
    handler: async (request) => {
      handled++;
      return { status: 200, body: request.body, headers: { 'X-Id': request.params['Id'] ?? '' } };
    },
  },
  {
    operation: 'Public',
    method: 'GET',
    path: '/t/public',
    unsigned: true,
    handler: async (request) => ({ status: 200, body: { accessKeyId: request.accessKeyId } }),
  },
  {
    operation: 'Conflict',
    method: 'PUT',
    path: '/t/conflict',
    handler: async () => {
      throw errors.functionExists('f');
    },
  },
];

let server: Server;
let port: number;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

before(async () => {
  server = createApiServer({ routes, credentials: staticCredentials(operator), region: 'us-east-1', log: () => {} });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(async () => {
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  reusedSocket: boolean;
}

/** One request over the shared keep-alive agent; `body` may be a Buffer or chunks to stream. */
function call(
  method: string,
  path: string,
  options: { body?: Buffer | Buffer[]; sign?: boolean; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const chunks = options.body === undefined ? [] : Array.isArray(options.body) ? options.body : [options.body];
  const whole = Buffer.concat(chunks);
  const url = new URL(`http://127.0.0.1:${port}${path}`);
  let headers: Record<string, string> = { ...options.headers };
  if (!Array.isArray(options.body)) headers['content-length'] = String(whole.length);
  if (options.sign !== false) {
    headers = signRequest({
      method,
      url,
      headers,
      body: whole,
      region: 'us-east-1',
      service: 'lambda',
      credentials: operator,
    });
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(parts),
          reusedSocket: req.reusedSocket,
        }),
      );
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

function errorOf(reply: Reply): { type: string | undefined; body: { Type: string; message: string } } {
  return { type: reply.headers['x-amzn-errortype'] as string | undefined, body: JSON.parse(reply.body.toString()) };
}

test('JSON bodies get Content-Type application/json; every response has a fresh x-amzn-RequestId', async () => {
  const a = await call('GET', '/t/json');
  const b = await call('GET', '/t/json');
  assert.equal(a.status, 200);
  assert.equal(a.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(a.body.toString()), { a: [1, 'é'] });
  assert.match(String(a.headers['x-amzn-requestid']), UUID);
  assert.notEqual(a.headers['x-amzn-requestid'], b.headers['x-amzn-requestid']);
  assert.ok(b.reusedSocket, 'keep-alive: the second request reuses the connection');
});

test('strings and Buffers are sent as they are, with the route headers; no body is an empty body', async () => {
  const raw = await call('GET', '/t/raw');
  assert.equal(raw.status, 201);
  assert.equal(raw.headers['content-type'], 'text/plain');
  assert.equal(raw.headers['x-extra'], 'yes');
  assert.equal(raw.body.toString(), 'plain é');
  const empty = await call('DELETE', '/t/empty');
  assert.equal(empty.status, 204);
  assert.equal(empty.body.length, 0);
  const bytes = Buffer.from([0, 255, 1, 254]);
  const echo = await call('POST', '/t/echo/x%20y', { body: bytes });
  assert.deepEqual(echo.body, bytes);
  assert.equal(echo.headers['x-id'], 'x y');
});

test('unknown paths and wrong methods are 404 UnknownOperationException', async () => {
  for (const [method, path] of [
    ['GET', '/nope'],
    ['POST', '/t/json'],
  ] as const) {
    const reply = await call(method, path);
    assert.equal(reply.status, 404);
    const { type, body } = errorOf(reply);
    assert.equal(type, 'UnknownOperationException');
    assert.equal(body.message, `No operation matches ${method} ${path}`);
    assert.match(String(reply.headers['x-amzn-requestid']), UUID);
  }
});

test('a thrown LambdaError is rendered with its status and code', async () => {
  const reply = await call('PUT', '/t/conflict');
  assert.equal(reply.status, 409);
  assert.deepEqual(errorOf(reply), {
    type: 'ResourceConflictException',
    body: { Type: 'User', message: 'Function already exist: f' },
  });
});

test('unsigned requests are 403 MissingAuthenticationTokenException, except on unsigned routes', async () => {
  const denied = await call('GET', '/t/json', { sign: false });
  assert.equal(denied.status, 403);
  assert.equal(errorOf(denied).type, 'MissingAuthenticationTokenException');
  const open = await call('GET', '/t/public', { sign: false });
  assert.equal(open.status, 200);
  assert.deepEqual(JSON.parse(open.body.toString()), { accessKeyId: '' });
});

test('a body at the cap is accepted; one byte more is 413 and the connection stays usable', async () => {
  const atCap = await call('POST', '/t/echo/1', { body: Buffer.alloc(1000, 'a') });
  assert.equal(atCap.status, 200);
  assert.equal(atCap.body.length, 1000);
  const before = handled;
  const over = await call('POST', '/t/echo/1', { body: Buffer.alloc(1001, 'a') });
  assert.equal(over.status, 413);
  assert.deepEqual(errorOf(over), {
    type: 'RequestEntityTooLargeException',
    body: { Type: 'User', message: 'Request must be smaller than 1000 bytes for the Echo operation' },
  });
  assert.equal(handled, before, 'the handler never ran');
  const next = await call('GET', '/t/json');
  assert.equal(next.status, 200);
  assert.ok(next.reusedSocket);
});

test('a streamed (chunked) body over the cap is cut off with 413 while it streams', async () => {
  const chunks = Array.from({ length: 20 }, () => Buffer.alloc(100, 'b'));
  const over = await call('POST', '/t/echo/1', { body: chunks, sign: false });
  assert.equal(over.status, 413);
  assert.equal(errorOf(over).type, 'RequestEntityTooLargeException');
  const fine = await call('POST', '/t/echo/1', { body: [Buffer.from('ab'), Buffer.from('cd')] });
  assert.equal(fine.body.toString(), 'abcd');
});

test('a client that declares far more than the cap still reads the 413', async () => {
  const reply = await call('POST', '/t/echo/1', { body: Buffer.alloc(3 * 1024 * 1024, 'c'), sign: false });
  assert.equal(reply.status, 413);
  assert.equal(errorOf(reply).body.message, 'Request must be smaller than 1000 bytes for the Echo operation');
});

test('a client that keeps sending far past the cap gets the 413, then its connection is dropped', async () => {
  const reply = await call('POST', '/t/echo/1', { body: Buffer.alloc(20 * 1024 * 1024, 'd'), sign: false });
  assert.equal(reply.status, 413);
  const next = await call('GET', '/t/json');
  assert.equal(next.status, 200);
  assert.equal(next.reusedSocket, false, 'a new connection');
});
