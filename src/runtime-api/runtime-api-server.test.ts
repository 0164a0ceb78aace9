import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import {
  MAX_RESPONSE_BYTES,
  RuntimeApiServer,
  type RuntimeApiEvents,
  type RuntimeInvocation,
} from './runtime-api-server.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function call(
  address: string,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const request = http.request({ host, port: Number(port), method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

class Recorder implements RuntimeApiEvents {
  readonly events: string[] = [];
  nextWaiting: () => void = () => {};
  nextRequested(): void {
    this.events.push('next');
    this.nextWaiting();
  }
  responded(id: string, body: Buffer): void {
    this.events.push(`response ${id} ${body.toString()}`);
  }
  errored(id: string, type: string, payload: Buffer): void {
    this.events.push(`error ${id} ${type} ${payload.toString()}`);
  }
  responseTooLarge(id: string): void {
    this.events.push(`too-large ${id}`);
  }
  initFailed(type: string, payload: Buffer): void {
    this.events.push(`init-error ${type} ${payload.toString()}`);
  }
}

const invocation = (requestId: string, extra: Partial<RuntimeInvocation> = {}): RuntimeInvocation => ({
  requestId,
  payload: Buffer.from('{"n":1}'),
  deadlineMs: 1_700_000_003_000,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
  traceId: 'Root=1-65000000-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0',
  clientContext: undefined,
  ...extra,
});

async function withServer(
  run: (address: string, server: RuntimeApiServer, recorder: Recorder) => Promise<void>,
): Promise<void> {
  const recorder = new Recorder();
  const server = new RuntimeApiServer(recorder);
  const address = await server.listenTcp('127.0.0.1');
  try {
    await run(address, server, recorder);
  } finally {
    await server.close();
  }
}

test('GET /next long-polls until an invocation is delivered, with Lambda headers', async () => {
  await withServer(async (address, server, recorder) => {
    const parked = new Promise<void>((resolve) => (recorder.nextWaiting = resolve));
    const next = call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    await parked;
    server.deliver(invocation('req-1', { clientContext: '{"custom":{"a":1}}' }));
    const reply = await next;
    assert.equal(reply.status, 200);
    assert.equal(reply.body, '{"n":1}');
    assert.equal(reply.headers['lambda-runtime-aws-request-id'], 'req-1');
    assert.equal(reply.headers['lambda-runtime-deadline-ms'], '1700000003000');
    assert.equal(
      reply.headers['lambda-runtime-invoked-function-arn'],
      'arn:aws:lambda:us-east-1:000000000000:function:f',
    );
    assert.match(
      String(reply.headers['lambda-runtime-trace-id']),
      /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
    );
    assert.equal(reply.headers['lambda-runtime-client-context'], '{"custom":{"a":1}}');
    assert.equal(reply.headers['content-type'], 'application/json');
  });
});

test('an invocation delivered before /next is handed out when /next comes; no client context header unless given', async () => {
  await withServer(async (address, server) => {
    server.deliver(invocation('req-2'));
    const reply = await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    assert.equal(reply.headers['lambda-runtime-aws-request-id'], 'req-2');
    assert.equal(reply.headers['lambda-runtime-client-context'], undefined);
  });
});

test('response: 202 OK and the body passed on; a second answer and an unknown id are refused', async () => {
  await withServer(async (address, server, recorder) => {
    server.deliver(invocation('req-3'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const ok = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-3/response', Buffer.from('"hello"'));
    assert.deepEqual([ok.status, ok.body], [202, '{"status":"OK"}']);
    const again = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-3/response', Buffer.from('"again"'));
    assert.equal(again.status, 403);
    assert.equal(JSON.parse(again.body).errorType, 'InvalidStateTransition');
    const unknown = await call(address, 'POST', '/2018-06-01/runtime/invocation/nope/response', Buffer.from('{}'));
    assert.deepEqual(
      [unknown.status, unknown.body],
      [400, '{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}'],
    );
    assert.deepEqual(recorder.events, ['response req-3 "hello"']);
  });
});

test('a response of 6 MB + 101 bytes is refused with 413 and the invocation ends as too large', async () => {
  await withServer(async (address, server, recorder) => {
    server.deliver(invocation('req-4'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const reply = await call(
      address,
      'POST',
      '/2018-06-01/runtime/invocation/req-4/response',
      Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x61),
    );
    assert.equal(reply.status, 413);
    assert.equal(
      reply.body,
      '{"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"}',
    );
    assert.deepEqual(recorder.events, ['too-large req-4']);
    // The sandbox stays usable: the next invocation flows as usual.
    server.deliver(invocation('req-5'));
    const next = await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    assert.equal(next.headers['lambda-runtime-aws-request-id'], 'req-5');
    const exact = await call(
      address,
      'POST',
      '/2018-06-01/runtime/invocation/req-5/response',
      Buffer.alloc(MAX_RESPONSE_BYTES, 0x61),
    );
    assert.equal(exact.status, 202);
  });
});

test('error and init error: header type, JSON body passed on, other bodies wrapped', async () => {
  await withServer(async (address, server, recorder) => {
    server.deliver(invocation('req-6'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const reply = await call(address, 'POST', '/2018-06-01/runtime/invocation/req-6/error', Buffer.from('not json'), {
      'Lambda-Runtime-Function-Error-Type': 'Runtime.Crash',
    });
    assert.equal(reply.status, 202);
    const init = await call(
      address,
      'POST',
      '/2018-06-01/runtime/init/error',
      Buffer.from('{"errorType":"Runtime.ImportModuleError","errorMessage":"x"}'),
      {
        'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError',
      },
    );
    assert.equal(init.status, 202);
    assert.deepEqual(recorder.events, [
      'error req-6 Runtime.Crash {"errorType":"Runtime.Crash","errorMessage":"not json"}',
      'init-error Runtime.ImportModuleError {"errorType":"Runtime.ImportModuleError","errorMessage":"x"}',
    ]);
  });
});

/** Writes `raw` in one go on a new connection; resolves with everything read until `count` answers ended. */
function rawExchange(
  address: string,
  raw: string,
  answers: number,
): { text: Promise<string>; socket: net.Socket; received: () => string } {
  const [host, port] = address.split(':');
  const socket = net.connect({ host, port: Number(port) });
  let received = '';
  const text = new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const complete = received.split('HTTP/1.1 ').length - 1;
      const lastBody = /Content-Length: (\d+)\r\n(?:.*\r\n)*\r\n([\s\S]*)$/i.exec(
        received.slice(received.lastIndexOf('HTTP/1.1 ')),
      );
      if (
        complete === answers &&
        lastBody !== null &&
        Buffer.byteLength(lastBody[2]!, 'latin1') >= Number(lastBody[1])
      ) {
        resolve(received);
      }
    });
    socket.on('error', reject);
  });
  socket.write(raw);
  return { text, socket, received: () => received };
}

test('a runtime may pipeline its answer and the next GET /next: the 202 leaves with the next invocation', async () => {
  await withServer(async (address, server, recorder) => {
    server.deliver(invocation('req-7'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const parked = new Promise<void>((resolve) => (recorder.nextWaiting = resolve));
    const body = '"seven"';
    const { text, socket, received } = rawExchange(
      address,
      `POST /2018-06-01/runtime/invocation/req-7/response HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n',
      2,
    );
    try {
      await Promise.race([parked, text.then((early) => assert.fail(`answered before an invocation came: ${early}`))]);
      assert.deepEqual(recorder.events, ['response req-7 "seven"', 'next']);
      // The 202 is held back while the runtime waits for its next event (one wake-up, not two).
      // Two loop turns: the second comes after a poll phase, which would have read a 202 sent.
      for (let turn = 0; turn < 2; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(received(), '');
      server.deliver(invocation('req-8'));
      const answers = await text;
      assert.match(answers, /^HTTP\/1\.1 202 [\s\S]*\{"status":"OK"\}HTTP\/1\.1 200 /);
      assert.match(answers, /Lambda-Runtime-Aws-Request-Id: req-8\r\n/i);
    } finally {
      socket.destroy();
    }
  });
});

test('a GET /next pipelined behind an answer that is still arriving waits for it', async () => {
  await withServer(async (address, server, recorder) => {
    server.deliver(invocation('req-9'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const parked = new Promise<void>((resolve) => (recorder.nextWaiting = resolve));
    const { text, socket } = rawExchange(
      address,
      'POST /2018-06-01/runtime/invocation/req-9/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n"ni\r\n',
      2,
    );
    try {
      // The rest of the body and the pipelined GET arrive only after the server has seen the start.
      await new Promise((resolve) => setImmediate(resolve));
      socket.write('3\r\nne"\r\n0\r\n\r\nGET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n');
      await Promise.race([parked, text.then((early) => assert.fail(`answered before an invocation came: ${early}`))]);
      assert.deepEqual(recorder.events, ['response req-9 "nine"', 'next']);
      server.deliver(invocation('req-10'));
      assert.match(await text, /Lambda-Runtime-Aws-Request-Id: req-10\r\n/i);
    } finally {
      socket.destroy();
    }
  });
});

test('a runtime that hangs up in the middle of its answer neither answers the invocation nor brings the server down', async () => {
  await withServer(async (address, server, recorder) => {
    server.deliver(invocation('req-20'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const { socket } = rawExchange(
      address,
      'POST /2018-06-01/runtime/invocation/req-20/response HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"partial":',
      1,
    );
    // The request line, headers and part of the body go out first, then the connection ends.
    socket.end();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // The server still serves: a later, complete answer for the same invocation is taken.
    const answered = await answerOnceFree(address, 'req-20', '"whole"');
    assert.equal(answered.status, 202);
    assert.deepEqual(recorder.events, ['response req-20 "whole"']);
  });
});

test('a runtime that hangs up in the middle of a response body does not take the platform down', async () => {
  await withServer(async (address, server, recorder) => {
    server.deliver(invocation('req-cut'));
    await call(address, 'GET', '/2018-06-01/runtime/invocation/next');
    const [host, port] = address.split(':');
    const socket = net.connect({ host, port: Number(port) });
    await once(socket, 'connect');
    // With Expect: 100-continue the server answers "100 Continue" once the request reached its
    // handler, which is then reading the body: that is the moment to hang up.
    socket.write(
      'POST /2018-06-01/runtime/invocation/req-cut/response HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n',
    );
    const [continued] = (await once(socket, 'data')) as [Buffer];
    assert.match(continued.toString(), /^HTTP\/1.1 100 Continue/);
    socket.write('{"half":');
    socket.destroy();
    await once(socket, 'close');
    // Still serving: the same invocation can be answered on a new connection, once the server has
    // seen the first connection go (until then that answer is still "being read": 403).
    const ok = await answerOnceFree(address, 'req-cut', '"whole"');
    assert.equal(ok.status, 202);
    assert.deepEqual(recorder.events, ['response req-cut "whole"']);
  });
});

/** Posts an answer; while an earlier, abandoned answer is still being read (403), tries again. */
async function answerOnceFree(address: string, requestId: string, body: string): Promise<Reply> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const reply = await call(
      address,
      'POST',
      `/2018-06-01/runtime/invocation/${requestId}/response`,
      Buffer.from(body),
    );
    if (reply.status !== 403 || Date.now() > deadline) return reply;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test("requests that are not the Runtime API's go to serveOthers (Hearth's API); its own paths stay its own", async () => {
  await withServer(async (address, server, recorder) => {
    const seen: string[] = [];
    server.serveOthers((request, response) => {
      seen.push(`${request.method ?? ''} ${request.url ?? ''}`);
      request.resume();
      response.writeHead(403, { 'Content-Type': 'application/json' }).end('{"message":"from the API"}');
    });
    const api = await call(address, 'GET', '/2015-03-31/functions/');
    assert.deepEqual([api.status, api.body], [403, '{"message":"from the API"}']);
    const unknownRuntimePath = await call(address, 'GET', '/2018-06-01/runtime/nowhere');
    assert.equal(unknownRuntimePath.status, 404, 'a Runtime API path is never handed on');
    const answer = await call(address, 'POST', '/2018-06-01/runtime/invocation/not-an-id/response', Buffer.from('{}'));
    assert.equal(answer.status, 400);
    assert.deepEqual(seen, ['GET /2015-03-31/functions/']);
    assert.deepEqual(recorder.events, []);
  });
});
