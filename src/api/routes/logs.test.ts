import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStorage } from '../../storage/memory/memory-storage.js';
import { sampleRecord } from '../../storage/conformance/sample-record.js';
import { staticCredentials } from '../auth/credentials.js';
import { signRequest } from '../auth/sigv4.js';
import { createApiServer } from '../server.js';
import { logRoutes } from './logs.js';

const operator = { accessKeyId: 'AKIAHEARTHLOGS000000', secretAccessKey: 'logs-secret' };
const account = { region: 'us-east-1', accountId: '000000000000' };
const storage = createMemoryStorage({ logRetentionEvents: 100_000 });
let server: Server;
let endpoint: string;

interface Page {
  events: {
    seq: number;
    timestamp: number;
    logStream: string;
    message: string;
    source: string;
    requestId?: string;
  }[];
  nextSeq: number;
}

before(async () => {
  const stream = '2026/03/01/[$LATEST]abc';
  for (const name of ['f', 'other', 'many', 'quiet']) await storage.functions.insert(sampleRecord({ name }));
  await storage.logs.append('f', [
    { timestamp: 999, logStream: stream, message: 'init output', source: 'function' },
    {
      timestamp: 1000,
      logStream: stream,
      message: 'START RequestId: 1 Version: $LATEST\n',
      source: 'platform',
      requestId: '1',
    },
    { timestamp: 1001, logStream: stream, message: 'hello\n', source: 'function', requestId: '1' },
    { timestamp: 1002, logStream: stream, message: 'END RequestId: 1\n', source: 'platform', requestId: '1' },
  ]);
  await storage.logs.append('other', [{ timestamp: 5, logStream: stream, message: 'not mine\n', source: 'function' }]);
  await storage.logs.append(
    'many',
    Array.from({ length: 10_500 }, (_, i) => ({
      timestamp: i,
      logStream: stream,
      message: `line ${i}\n`,
      source: 'function' as const,
    })),
  );
  server = createApiServer({
    routes: logRoutes(storage.logs, storage.functions, account),
    credentials: staticCredentials(operator),
    region: 'us-east-1',
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function get(
  pathAndQuery: string,
  secret = operator.secretAccessKey,
): Promise<{ status: number; body: unknown; type: string | null }> {
  const url = new URL(`${endpoint}${pathAndQuery}`);
  const headers = signRequest({
    method: 'GET',
    url,
    headers: {},
    body: Buffer.alloc(0),
    region: 'us-east-1',
    service: 'lambda',
    credentials: { ...operator, secretAccessKey: secret },
  });
  delete headers['host'];
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.json(), type: res.headers.get('x-amzn-errortype') };
}

test('returns the function’s events in order with the seq to follow from', async () => {
  const { status, body } = await get('/hearth/2026-11-01/functions/f/logs');
  assert.equal(status, 200);
  const page = body as Page;
  assert.deepEqual(
    page.events.map((e) => e.message),
    ['init output', 'START RequestId: 1 Version: $LATEST\n', 'hello\n', 'END RequestId: 1\n'],
  );
  assert.deepEqual(Object.keys(page.events[1] ?? {}).sort(), [
    'logStream',
    'message',
    'requestId',
    'seq',
    'source',
    'timestamp',
  ]);
  assert.equal(page.nextSeq, page.events[3]?.seq);

  const after = (await get(`/hearth/2026-11-01/functions/f/logs?after=${page.events[1]?.seq}&limit=1`)).body as Page;
  assert.deepEqual(
    after.events.map((e) => e.message),
    ['hello\n'],
  );
  const drained = (await get(`/hearth/2026-11-01/functions/f/logs?after=${page.nextSeq}`)).body as Page;
  assert.deepEqual(drained, { events: [], nextSeq: page.nextSeq });
});

test('each event says who wrote it and during which invocation; init output has no request id', async () => {
  const page = (await get('/hearth/2026-11-01/functions/f/logs')).body as Page;
  assert.deepEqual(
    page.events.map((e) => [e.source, e.requestId ?? null]),
    [
      ['function', null],
      ['platform', '1'],
      ['function', '1'],
      ['platform', '1'],
    ],
  );
  assert.equal('requestId' in (page.events[0] ?? {}), false, 'no requestId member for a line of no invocation');
});

test('accepts a function ARN', async () => {
  const arn = encodeURIComponent('arn:aws:lambda:us-east-1:000000000000:function:f');
  const page = (await get(`/hearth/2026-11-01/functions/${arn}/logs`)).body as Page;
  assert.equal(page.events.length, 4);
});

test('limit defaults to 1000 and may go up to 10000', async () => {
  assert.equal(((await get('/hearth/2026-11-01/functions/many/logs')).body as Page).events.length, 1000);
  assert.equal(((await get('/hearth/2026-11-01/functions/many/logs?limit=10000')).body as Page).events.length, 10_000);
});

test('bad after/limit values and bad names are 400 ValidationException', async () => {
  for (const query of ['limit=0', 'limit=10001', 'limit=abc', 'after=-1', 'after=1.5']) {
    const reply = await get(`/hearth/2026-11-01/functions/f/logs?${query}`);
    assert.equal(reply.status, 400, query);
    assert.equal(reply.type, 'ValidationException', query);
  }
  const badName = await get('/hearth/2026-11-01/functions/bad%20name/logs');
  assert.equal(badName.status, 400);
  assert.equal(badName.type, 'ValidationException');
});

test('requests must be signed with a known secret', async () => {
  const reply = await get('/hearth/2026-11-01/functions/f/logs', 'wrong');
  assert.equal(reply.status, 403);
  assert.equal(reply.type, 'InvalidSignatureException');
});

test('a function that does not exist is 404 ResourceNotFoundException; one without logs is an empty page', async () => {
  const missing = await get('/hearth/2026-11-01/functions/nobody/logs');
  assert.equal(missing.status, 404);
  assert.equal(missing.type, 'ResourceNotFoundException');
  assert.equal(
    (missing.body as { message: string }).message,
    'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody',
  );
  const quiet = await get('/hearth/2026-11-01/functions/quiet/logs?after=7');
  assert.equal(quiet.status, 200);
  assert.deepEqual(quiet.body, { events: [], nextSeq: 7 });
});
