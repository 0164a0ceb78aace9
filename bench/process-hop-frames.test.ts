import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { FrameReader, writeFrame } from './process-hop-frames.js';

/** The bytes writeFrame sends for each body, back to back. */
function wire(...bodies: string[]): Buffer {
  const out = new PassThrough();
  for (const body of bodies) writeFrame(out, Buffer.from(body));
  return out.read() as Buffer;
}

describe('process-hop frames', () => {
  const bytes = wire('{"a":1}', '', '{"hello":"bench"}');
  const cases: { name: string; chunks: Buffer[] }[] = [
    { name: 'all frames in one chunk', chunks: [bytes] },
    { name: 'one byte at a time', chunks: [...bytes].map((byte) => Buffer.from([byte])) },
    {
      name: 'cut inside a length and inside a body',
      chunks: [bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)],
    },
  ];
  for (const { name, chunks } of cases) {
    it(`gives back every body in order: ${name}`, () => {
      const bodies: string[] = [];
      const reader = new FrameReader((body) => bodies.push(body.toString('utf8')));
      for (const chunk of chunks) reader.push(chunk);
      assert.deepEqual(bodies, ['{"a":1}', '', '{"hello":"bench"}']);
    });
  }

  it('holds a frame back until its last byte arrives', () => {
    const bodies: string[] = [];
    const reader = new FrameReader((body) => bodies.push(body.toString('utf8')));
    const one = wire('abc');
    reader.push(one.subarray(0, one.length - 1));
    assert.deepEqual(bodies, []);
    reader.push(one.subarray(one.length - 1));
    assert.deepEqual(bodies, ['abc']);
  });
});
