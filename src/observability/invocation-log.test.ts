import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvocationLog } from './invocation-log.js';

test('lines are emitted in order and the tail holds them all when short', () => {
  const emitted: string[] = [];
  const log = new InvocationLog((line) => emitted.push(line), true);
  log.platform('START RequestId: r Version: $LATEST');
  log.output('hello');
  log.platform('END RequestId: r');
  assert.deepEqual(emitted, ['START RequestId: r Version: $LATEST', 'hello', 'END RequestId: r']);
  assert.equal(log.tail(), 'START RequestId: r Version: $LATEST\nhello\nEND RequestId: r\n');
});

test('the tail is the last 4096 bytes, cut on a character boundary', () => {
  const log = new InvocationLog(() => {}, true);
  for (let i = 0; i < 500; i++) log.output(`line ${i} ${'é'.repeat(20)}`);
  log.platform('REPORT RequestId: r');
  const tail = log.tail() ?? '';
  assert.ok(Buffer.byteLength(tail) <= 4096);
  assert.ok(Buffer.byteLength(tail) > 4000);
  assert.ok(tail.endsWith('REPORT RequestId: r\n'));
  assert.ok(!tail.includes('\uFFFD'));
});

test('output past the cap is dropped with one notice; platform lines still come through', () => {
  const emitted: string[] = [];
  const log = new InvocationLog((line) => emitted.push(line), false, 20);
  log.output('0123456789'); // 11 bytes with newline
  log.output('0123456789'); // 22: over the cap
  log.output('more');
  log.platform('END RequestId: r');
  assert.deepEqual(emitted, [
    '0123456789',
    'Logs were truncated because the total bytes size exceeds the limit of 20 bytes.',
    'END RequestId: r',
  ]);
  assert.equal(log.tail(), undefined);
});
