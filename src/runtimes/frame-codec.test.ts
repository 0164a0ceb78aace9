import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder, FrameType, type Frame } from './node/frame-codec.cjs';

function decodeAll(bytes: Buffer, chunkSize: number, maxFrameBytes?: number): { frames: Frame[]; oversized: number[] } {
  const frames: Frame[] = [];
  const oversized: number[] = [];
  const decoder = new FrameDecoder(
    (frame) => frames.push(frame),
    maxFrameBytes,
    (type) => oversized.push(type),
  );
  for (let i = 0; i < bytes.length; i += chunkSize) decoder.push(bytes.subarray(i, i + chunkSize));
  return { frames, oversized };
}

const plain = (frames: Frame[]): unknown[] =>
  frames.map((frame) => ({ type: frame.type, fields: frame.fields, body: frame.body.toString('utf8') }));

test('frames survive any split of the stream: fields, UTF-8 and empty bodies intact', () => {
  const stream = Buffer.concat([
    ...encodeFrame(FrameType.Response, ['8f9c-…-ü'], '{"message":"grüße"}'),
    ...encodeFrame(FrameType.Next, []),
    ...encodeFrame(
      FrameType.Event,
      ['id-1', '1700000003000', 'arn:aws:lambda:us-east-1:0:function:f', 'Root=1', ''],
      '{}',
    ),
    ...encodeFrame(FrameType.Error, ['id-1', 'TypeError'], Buffer.from('{"errorType":"TypeError"}')),
  ]);
  const expected = [
    { type: FrameType.Response, fields: ['8f9c-…-ü'], body: '{"message":"grüße"}' },
    { type: FrameType.Next, fields: [], body: '' },
    {
      type: FrameType.Event,
      fields: ['id-1', '1700000003000', 'arn:aws:lambda:us-east-1:0:function:f', 'Root=1', ''],
      body: '{}',
    },
    { type: FrameType.Error, fields: ['id-1', 'TypeError'], body: '{"errorType":"TypeError"}' },
  ];
  for (const chunkSize of [1, 2, 3, 7, 64, stream.length]) {
    assert.deepEqual(plain(decodeAll(stream, chunkSize).frames), expected, `chunks of ${chunkSize}`);
  }
});

test('a frame past the cap is reported by type and skipped unbuffered; the frames after it still arrive', () => {
  const big = Buffer.alloc(10_000, 0x61);
  const stream = Buffer.concat([...encodeFrame(FrameType.Response, ['id-1'], big), ...encodeFrame(FrameType.Next, [])]);
  for (const chunkSize of [1, 100, stream.length]) {
    const { frames, oversized } = decodeAll(stream, chunkSize, 1000);
    assert.deepEqual(oversized, [FrameType.Response], `chunks of ${chunkSize}`);
    assert.deepEqual(plain(frames), [{ type: FrameType.Next, fields: [], body: '' }]);
  }
});

test('a malformed frame throws: unknown type, or fields running past the frame', () => {
  const unknown = Buffer.from([0, 0, 0, 1, 99]);
  assert.throws(() => new FrameDecoder(() => {}).push(unknown), /Unknown frame type 99/);
  // A Response frame whose one field claims 100 bytes but the frame ends after 2.
  const overrun = Buffer.from([0, 0, 0, 7, FrameType.Response, 0, 0, 0, 100, 0x61, 0x62]);
  assert.throws(() => new FrameDecoder(() => {}).push(overrun), /ends inside its fields/);
});
