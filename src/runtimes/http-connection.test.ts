// The Node runtime client's HTTP response parser (kept out of node/, which is mounted into sandboxes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseResponse } from './node/http-connection.js';

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
