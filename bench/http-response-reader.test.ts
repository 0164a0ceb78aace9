import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpResponseReader, type HttpResponse } from './http-response-reader.js';

/** Feeds `wire` cut into pieces at every position in `cuts`; returns what the reader gave back. */
function read(wire: string, cuts: number[] = []): HttpResponse | undefined {
  const bytes = Buffer.from(wire, 'latin1');
  const reader = new HttpResponseReader();
  let response: HttpResponse | undefined;
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    const answer = reader.push(bytes.subarray(from, cut));
    from = cut;
    if (answer !== undefined) {
      assert.equal(response, undefined, 'one response, once');
      response = answer;
    }
  }
  return response;
}

const everyCut = (wire: string): number[][] => Array.from({ length: wire.length - 1 }, (_, i) => [i + 1]);

describe('HttpResponseReader', () => {
  const cases: {
    name: string;
    wire: string;
    status: number;
    body: string;
    closes: boolean;
    header?: [string, string];
  }[] = [
    {
      name: 'Content-Length',
      wire: 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}',
      status: 200,
      body: '{"a":1}',
      closes: false,
      header: ['content-type', 'application/json'],
    },
    {
      name: 'chunked, with a chunk extension and a trailer',
      wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{"a"\r\n3\r\n:1}\r\n0\r\nX-T: 1\r\n\r\n',
      status: 200,
      body: '{"a":1}',
      closes: false,
    },
    {
      name: 'an interim 100 Continue before the answer',
      wire: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      status: 200,
      body: 'ok',
      closes: false,
    },
    {
      name: 'Connection: close with a length',
      wire: 'HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbad',
      status: 502,
      body: 'bad',
      closes: true,
    },
    {
      name: 'HTTP/1.0 without keep-alive',
      wire: 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok',
      status: 200,
      body: 'ok',
      closes: true,
    },
    {
      name: '204 without a length has no body',
      wire: 'HTTP/1.1 204 No Content\r\nX-Amzn-RequestId: r1\r\n\r\n',
      status: 204,
      body: '',
      closes: false,
      header: ['x-amzn-requestid', 'r1'],
    },
    {
      name: 'repeated headers are joined',
      wire: 'HTTP/1.1 200 OK\r\nVary: a\r\nvary: b\r\nContent-Length: 0\r\n\r\n',
      status: 200,
      body: '',
      closes: false,
      header: ['vary', 'a, b'],
    },
  ];
  for (const c of cases) {
    it(`reads ${c.name}, however the bytes are cut`, () => {
      for (const cuts of [[], ...everyCut(c.wire), [...c.wire].map((_, i) => i).slice(1)]) {
        const response = read(c.wire, cuts);
        assert.ok(response, `complete with cuts ${cuts.join(',')}`);
        assert.equal(response.status, c.status);
        assert.equal(response.body.toString('latin1'), c.body);
        assert.equal(response.closes, c.closes);
        if (c.header !== undefined) assert.equal(response.headers[c.header[0]], c.header[1]);
      }
    });
  }

  it('holds the answer back until its last byte', () => {
    const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    assert.equal(read(wire.slice(0, -1)), undefined);
  });

  it('a body without length or chunking runs until the connection ends', () => {
    const reader = new HttpResponseReader();
    assert.equal(reader.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\npart one, ')), undefined);
    assert.equal(reader.push(Buffer.from('part two')), undefined);
    const response = reader.end();
    assert.equal(response.body.toString(), 'part one, part two');
    assert.equal(response.closes, true);
  });

  it('reads the next response on the same connection after one is complete', () => {
    const reader = new HttpResponseReader();
    assert.equal(reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na'))?.body.toString(), 'a');
    assert.equal(reader.push(Buffer.from('HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nb'))?.status, 201);
  });

  const refused: { name: string; wire: string; error: RegExp }[] = [
    {
      name: 'bytes after the response',
      wire: 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naEXTRA',
      error: /5 bytes after/,
    },
    { name: 'a status line that is not HTTP/1.x', wire: 'HTTP/2 200\r\n\r\n', error: /status line/ },
    { name: 'a header line without a colon', wire: 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n', error: /malformed header/ },
    { name: 'a bad Content-Length', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n', error: /Content-Length/ },
    {
      name: 'a bad chunk size',
      wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      error: /chunk size/,
    },
    {
      name: 'chunk data longer than its size',
      wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n',
      error: /not followed by CRLF/,
    },
    {
      name: 'a Transfer-Encoding other than chunked',
      wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
      error: /unsupported Transfer-Encoding/,
    },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}`, () => {
      assert.throws(() => read(c.wire), c.error);
    });
  }

  it('a connection that ends mid-body or before any answer is an error, not a response', () => {
    const reader = new HttpResponseReader();
    assert.throws(() => reader.end(), /before a response/);
    reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc'));
    assert.equal(reader.started, true);
    assert.throws(() => reader.end(), /mid-body/);
  });
});
