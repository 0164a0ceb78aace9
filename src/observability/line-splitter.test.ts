import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';
import { splitLines } from './line-splitter.js';

test('chunks become lines, across chunk boundaries, with CRLF and a last line without newline', async () => {
  const stream = new PassThrough();
  const lines: string[] = [];
  splitLines(stream, (line) => lines.push(line));
  stream.write('first\nsec');
  stream.write('ond\r\nthird\n\nfour');
  stream.end('th');
  await once(stream, 'end');
  assert.deepEqual(lines, ['first', 'second', 'third', '', 'fourth']);
});

test('a flood without newlines is cut into bounded pieces', async () => {
  const stream = new PassThrough();
  const lines: string[] = [];
  splitLines(stream, (line) => lines.push(line), 10);
  stream.end('x'.repeat(25));
  await once(stream, 'end');
  assert.deepEqual(lines, ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
});
