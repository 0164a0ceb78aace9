// The Node runtime client's HTTP response parser (kept out of node/, which is mounted into sandboxes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import net, { type AddressInfo } from 'node:net';
import { HttpConnection, parseResponse } from './node/http-connection.cjs';

const raw = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('parseResponse', () => {
  it('reads a Content-Length body and keeps what follows', () => {
    const parsed = parseResponse(
      raw('HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r1\r\nContent-Length: 7\r\n\r\n{"a":1}NEXT'),
    );
    assert.equal(parsed?.response.status, 200);
    assert.equal(parsed?.response.headers.get('lambda-runtime-aws-request-id'), 'r1');
    assert.equal(parsed?.response.body, '{"a":1}');
    assert.equal(parsed?.rest.toString(), 'NEXT');
    assert.equal(parsed?.close, false);
  });

  it('counts Content-Length in bytes, not characters', () => {
    assert.equal(parseResponse(raw('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n"é"'))?.response.body, '"é"');
  });

  it('reads a chunked body, with or without trailers', () => {
    const plain = parseResponse(
      raw('HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"a\r\n3\r\n":1\r\n1\r\n}\r\n0\r\n\r\n'),
    );
    assert.equal(plain?.response.body, '{"a":1}');
    assert.equal(plain?.rest.length, 0);
    const trailers = parseResponse(
      raw('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n\r\n'),
    );
    assert.equal(trailers?.response.body, 'ok');
  });

  it('waits for more data when a response is incomplete', () => {
    assert.equal(parseResponse(raw('HTTP/1.1 200 OK\r\nContent-Len')), undefined);
    assert.equal(parseResponse(raw('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"a"')), undefined);
    assert.equal(parseResponse(raw('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{"a\r\n')), undefined);
    assert.equal(parseResponse(raw('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n')), undefined);
  });

  it('notices Connection: close', () => {
    assert.equal(parseResponse(raw('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'))?.close, true);
  });
});

/** A raw server: records what each connection sent, answers every request with `answer(n)`. */
async function rawServer(answer: (n: number) => string): Promise<{ port: number; reads: string[][]; close(): void }> {
  const reads: string[][] = [];
  let answered = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const connection: string[] = [];
    reads.push(connection);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      connection.push(chunk.toString('latin1'));
      buffered += chunk.toString('latin1');
      // Requests here have no body: each ends with an empty line.
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        buffered = buffered.slice(end + 4);
        const text = answer(++answered);
        socket.write(text);
        if (/Connection: close/i.test(text)) {
          socket.end();
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = (): void => {
    for (const socket of sockets) socket.destroy();
    server.close();
  };
  return { port: (server.address() as AddressInfo).port, reads, close };
}

const ok = (n: number, extra = ''): string =>
  `HTTP/1.1 200 OK\r\n${extra}Content-Length: ${String(n).length}\r\n\r\n${n}`;

describe('HttpConnection', () => {
  it('with pipelining, sends requests made together in one write and resolves answers in order', async () => {
    const server = await rawServer((n) => ok(n));
    try {
      const connection = new HttpConnection('127.0.0.1', server.port, undefined, true);
      const [a, b] = await Promise.all([connection.request('POST', '/a', {}, ''), connection.request('GET', '/b', {})]);
      assert.deepEqual([a.body, b.body], ['1', '2']);
      assert.equal(server.reads.length, 1);
      assert.match(server.reads[0]![0]!, /^POST \/a HTTP\/1\.1\r\n[\s\S]*\r\n\r\nGET \/b HTTP\/1\.1\r\n/);
    } finally {
      server.close();
    }
  });

  it('with pipelining, sends a request again on a new connection when the one before it closed the connection', async () => {
    const server = await rawServer((n) => (n === 1 ? ok(n, 'Connection: close\r\n') : ok(n)));
    try {
      const connection = new HttpConnection('127.0.0.1', server.port, undefined, true);
      const [a, b] = await Promise.all([connection.request('POST', '/a', {}, ''), connection.request('GET', '/b', {})]);
      assert.deepEqual([a.body, b.body], ['1', '2']);
      assert.equal(server.reads.length, 2);
      assert.match(server.reads[1]!.join(''), /^GET \/b HTTP\/1\.1\r\n/);
    } finally {
      server.close();
    }
  });

  it('without pipelining, waits for each answer before sending the next request', async () => {
    const server = await rawServer((n) => ok(n));
    try {
      const connection = new HttpConnection('127.0.0.1', server.port);
      const [a, b] = await Promise.all([connection.request('POST', '/a', {}, ''), connection.request('GET', '/b', {})]);
      assert.deepEqual([a.body, b.body], ['1', '2']);
      assert.deepEqual(
        server.reads[0]!.map((read) => read.split(' ')[0]),
        ['POST', 'GET'],
      );
    } finally {
      server.close();
    }
  });
});
