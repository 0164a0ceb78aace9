// A pre-started sandbox's socket, without a sandbox: Hearth's Node runtime asks for its function on
// its runtime channel and keeps that connection for the function; a Python-style GET gets the
// environment as JSON; once answered, every later connection reaches the function's own Runtime API,
// and nobody can ask for a function again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FrameClient } from '../../runtimes/node/frame-client.cjs';
import {
  RuntimeApiServer,
  type RuntimeApiEvents,
  type RuntimeInvocation,
} from '../../runtime-api/runtime-api-server.js';
import { SPECIALISATION_PATH, SpecialisationServer } from './specialisation-server.js';

const IGNORED: RuntimeApiEvents = {
  nextRequested: () => undefined,
  responded: () => undefined,
  errored: () => undefined,
  responseTooLarge: () => undefined,
  initFailed: () => undefined,
};

const invocation = (requestId: string): RuntimeInvocation => ({
  requestId,
  payload: Buffer.from('{"n":1}'),
  deadlineMs: 1_700_000_003_000,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:a',
  traceId: 'Root=1-65000000-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0',
  clientContext: undefined,
});

function request(socketPath: string, method: string, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: url, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}

describe('SpecialisationServer', () => {
  let dir: string;
  let socket: string;
  let server: SpecialisationServer;
  let api: RuntimeApiServer;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hearth-specialise-'));
    socket = path.join(dir, 'runtime-api.sock');
    server = new SpecialisationServer();
    await server.listen(socket);
    api = new RuntimeApiServer(IGNORED);
  });
  afterEach(async () => {
    server.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a runtime channel with the function's environment, then the channel serves that function", async () => {
    const channel = await FrameClient.connect(socket);
    assert.ok(channel !== undefined, 'the pre-start socket speaks the runtime channel');
    const env = channel.specialisation();
    await server.requested;
    server.answer({ WHO: 'A', AWS_LAMBDA_FUNCTION_NAME: 'a' }, api);
    assert.deepEqual(await env, { WHO: 'A', AWS_LAMBDA_FUNCTION_NAME: 'a' });

    const next = channel.next();
    api.deliver(invocation('req-1'));
    const event = await next;
    assert.equal(event.requestId, 'req-1');
    assert.equal(event.body, '{"n":1}');
  });

  it('keeps a Specialise frame that arrives before the runtime asks for it (in the same read as the 101)', async () => {
    const channel = await FrameClient.connect(socket);
    assert.ok(channel !== undefined);
    await server.requested;
    server.answer({ WHO: 'early' }, api);
    // An event after it on the same connection: once it is in, the Specialise frame was read too.
    const next = channel.next();
    api.deliver(invocation('req-early'));
    assert.equal((await next).requestId, 'req-early');
    assert.deepEqual(await channel.specialisation(), { WHO: 'early' }, 'not lost for coming first');
  });

  it("gives a plain GET the environment as JSON; later connections reach the function's Runtime API", async () => {
    const asked = request(socket, 'GET', SPECIALISATION_PATH);
    await server.requested;
    server.answer({ WHO: 'B' }, api);
    assert.deepEqual(await asked, { status: 200, body: '{"env":{"WHO":"B"}}' });

    const unknown = await request(socket, 'POST', '/2018-06-01/runtime/invocation/not-an-id/response');
    assert.equal(unknown.status, 400, "the function's Runtime API answered");
    assert.match(unknown.body, /InvalidRequestID/);
    const again = await request(socket, 'GET', SPECIALISATION_PATH);
    assert.equal(again.status, 404, 'a sandbox is specialised once');
  });

  it('refuses a second runtime waiting beside the first', async () => {
    const first = request(socket, 'GET', SPECIALISATION_PATH);
    await server.requested;
    const second = await request(socket, 'GET', SPECIALISATION_PATH);
    assert.equal(second.status, 404);
    server.answer({ WHO: 'C' }, api);
    assert.equal((await first).status, 200);
  });
});
