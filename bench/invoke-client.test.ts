// The benchmark client against real node:http servers: what it sends, keep-alive reuse, chunked
// answers, a connection the server closed while idle, and the answers it must refuse.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { inLoops, InvokeClient, type InvokeTarget } from './invoke-client.js';
import { SigV4Signer } from './sigv4-signer.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly socket: object;
}

/** A server answering every request with `answer`; records the requests and the connections. */
async function server(answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, socket: req.socket });
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  const target: InvokeTarget = {
    url,
    path: '/2015-03-31/functions/f/invocations',
    signer: new SigV4Signer({ accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, 'us-east-1'),
  };
  return { server: s, seen, target, connections: () => new Set(seen.map((r) => r.socket)).size };
}

const closers: Array<() => void> = [];
after(() => closers.forEach((close) => close()));

const echo = (_req: http.IncomingMessage, res: http.ServerResponse, body: string): void => {
  res.writeHead(200).end(body);
};

/** A server as above and a client with `maxSockets`, both closed after the tests. */
async function setup(
  maxSockets: number,
  answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void,
) {
  const served = await server(answer);
  const client = new InvokeClient(maxSockets);
  closers.push(() => {
    client.close();
    served.server.close();
  });
  return { ...served, client };
}

describe('InvokeClient', () => {
  it('sends a signed POST with the body and reuses one connection for sequential invokes', async () => {
    const t = await setup(4, (_req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
      res.end(body);
    });
    const body = Buffer.from('{"hello":"bench","n":1}');
    const latencies = await t.client.sequential({ ...t.target, headers: { 'x-amz-log-type': 'Tail' } }, body, 5);
    assert.equal(latencies.length, 5);
    assert.ok(latencies.every((ms) => ms > 0));
    assert.equal(t.connections(), 1, 'one keep-alive connection');
    const first = t.seen[0]!;
    assert.equal(first.method, 'POST');
    assert.equal(first.url, t.target.path);
    assert.equal(first.body, body.toString());
    assert.equal(first.headers['host'], t.target.url.host);
    assert.equal(first.headers['content-length'], String(body.length));
    assert.equal(first.headers['x-amz-log-type'], 'Tail');
    assert.match(first.headers['authorization'] ?? '', /^AWS4-HMAC-SHA256 Credential=AKIDTEST\//);
    const answer = await t.client.send(t.target, body);
    assert.equal(answer.headers['x-amz-executed-version'], '$LATEST');
  });

  it('runs concurrent invokes on at most maxSockets connections', async () => {
    const t = await setup(3, (_req, res, body) => {
      setTimeout(() => res.writeHead(200).end(body), 2);
    });
    const run = await t.client.concurrent(t.target, Buffer.from('{}'), 8, 40, 10_000);
    assert.equal(run.completed, 40);
    assert.equal(t.seen.length, 40);
    assert.equal(t.connections(), 3);
  });

  it('counts maxSockets per server: idle connections to one never hold up another', { timeout: 5_000 }, async () => {
    const a = await setup(2, echo);
    a.server.keepAliveTimeout = 0; // its idle connections stay open
    const b = await server(echo);
    closers.push(() => b.server.close());
    await a.client.concurrent(a.target, Buffer.from('{}'), 2, 10, 10_000);
    const run = await a.client.concurrent(b.target, Buffer.from('{}'), 2, 10, 10_000);
    assert.equal(run.completed, 10);
    assert.equal(b.connections(), 2);
  });

  it('reads a chunked answer', async () => {
    const t = await setup(1, (_req, res) => {
      res.writeHead(200, { 'x-amz-log-result': 'dGFpbA==' });
      res.write('{"a":');
      setTimeout(() => res.end('1}'), 5);
    });
    const answer = await t.client.send(t.target, Buffer.from('{}'));
    assert.equal(answer.headers['x-amz-log-result'], 'dGFpbA==');
  });

  it('sends again on a new connection when the server closed the idle one', async () => {
    const t = await setup(1, echo);
    await t.client.send(t.target, Buffer.from('{}'));
    const closed = new Promise((resolve) => (t.seen[0]!.socket as Socket).once('close', resolve));
    t.server.closeIdleConnections(); // as its keep-alive timeout would
    await closed;
    await t.client.send(t.target, Buffer.from('{}'));
    assert.equal(t.connections(), 2);
  });

  it('sends again once when a reused connection closes before any byte of the answer', async () => {
    const served = new WeakSet<object>();
    const t = await setup(1, (req, res, body) => {
      if (served.has(req.socket)) {
        req.socket.destroy(); // as a server whose keep-alive timeout fired just as the request came
        return;
      }
      served.add(req.socket);
      res.writeHead(200).end(body);
    });
    await t.client.send(t.target, Buffer.from('{}'));
    await t.client.send(t.target, Buffer.from('{}'));
    assert.equal(t.connections(), 2);
  });

  it('opens a new connection after an answer with Connection: close', async () => {
    const t = await setup(1, (_req, res, body) => {
      res.shouldKeepAlive = false;
      res.writeHead(200).end(body);
    });
    await t.client.sequential(t.target, Buffer.from('{}'), 3);
    assert.equal(t.connections(), 3);
  });

  it('rejects a non-200 answer and a function error, with what the server said', async () => {
    let n = 0;
    const t = await setup(1, (_req, res) => {
      n += 1;
      if (n === 1) res.writeHead(404).end('{"Type":"User","message":"Function not found"}');
      else res.writeHead(200, { 'x-amz-function-error': 'Unhandled' }).end('{"errorType":"Error"}');
    });
    await assert.rejects(t.client.send(t.target, Buffer.from('{}')), /invoke answered 404 : .*Function not found/);
    await assert.rejects(t.client.send(t.target, Buffer.from('{}')), /invoke answered 200 Unhandled: .*errorType/);
  });

  it('request: a signed GET without the target extra headers, answered whatever its status', async () => {
    const t = await setup(1, (_req, res) => res.writeHead(202).end('accepted'));
    const target = { ...t.target, headers: { 'x-amz-invocation-type': 'Event' } };
    const get = await t.client.request(target, 'GET', '/hearth/metrics', Buffer.alloc(0));
    assert.equal(get.response.status, 202);
    assert.equal(get.response.body.toString(), 'accepted');
    const post = await t.client.request(target, 'POST', target.path, Buffer.from('{}'));
    assert.equal(post.response.status, 202);
    assert.equal(t.seen[0]!.method, 'GET');
    assert.equal(t.seen[0]!.url, '/hearth/metrics');
    assert.equal(t.seen[0]!.headers['x-amz-invocation-type'], undefined);
    assert.match(t.seen[0]!.headers['authorization'] ?? '', /^AWS4-HMAC-SHA256 /);
    assert.equal(t.seen[1]!.headers['x-amz-invocation-type'], 'Event');
  });

  it('rejects when the server closes the connection mid-answer', async () => {
    const t = await setup(1, (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('short');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    await assert.rejects(t.client.send(t.target, Buffer.from('{}')), /mid-body|closed/);
  });
});

describe('inLoops', () => {
  it('makes exactly `count` calls, never more than `concurrency` at once', async () => {
    let inFlight = 0;
    let most = 0;
    const run = await inLoops(3, 10, 10_000, async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return 1;
    });
    assert.equal(run.completed, 10);
    assert.deepEqual(run.latencies, Array(10).fill(1));
    assert.equal(most, 3);
  });

  it('stops starting calls once the time is up', async () => {
    const run = await inLoops(2, 1_000_000, 30, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 5;
    });
    assert.ok(run.completed > 0 && run.completed < 1_000, `${run.completed} calls`);
    assert.ok(run.seconds >= 0.03, `${run.seconds} s`);
  });
});
