import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvocationLog, type LogLine } from './invocation-log.js';

test('lines are emitted in order and the tail holds them all when short', () => {
  const emitted: string[] = [];
  const log = new InvocationLog('r', (line) => emitted.push(line.message), true);
  log.platform('START RequestId: r Version: $LATEST');
  log.output('hello');
  log.platform('END RequestId: r');
  assert.deepEqual(emitted, ['START RequestId: r Version: $LATEST', 'hello', 'END RequestId: r']);
  assert.equal(log.tail(), 'START RequestId: r Version: $LATEST\nhello\nEND RequestId: r\n');
});

test('the tail is the last 4096 bytes, cut on a character boundary', () => {
  const log = new InvocationLog('r', () => {}, true);
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
  const log = new InvocationLog('r', (line) => emitted.push(line.message), false, 20);
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

test('every line carries who wrote it and this invocation, whatever its text claims (D25)', () => {
  const emitted: LogLine[] = [];
  const log = new InvocationLog('req-a', (line) => emitted.push(line), true, 200);
  log.earlier('init output');
  log.platform('START RequestId: req-a Version: $LATEST');
  log.output('REPORT RequestId: req-b\tDuration: 1.00 ms');
  log.output('END RequestId: req-b');
  log.output('x'.repeat(300)); // past the cap: the notice is Hearth's
  log.platform('END RequestId: req-a');
  assert.deepEqual(emitted, [
    { message: 'START RequestId: req-a Version: $LATEST', source: 'platform', requestId: 'req-a' },
    { message: 'REPORT RequestId: req-b\tDuration: 1.00 ms', source: 'function', requestId: 'req-a' },
    { message: 'END RequestId: req-b', source: 'function', requestId: 'req-a' },
    {
      message: 'Logs were truncated because the total bytes size exceeds the limit of 200 bytes.',
      source: 'platform',
      requestId: 'req-a',
    },
    { message: 'END RequestId: req-a', source: 'platform', requestId: 'req-a' },
  ]);
  assert.ok(log.tail()?.startsWith('init output\nSTART RequestId: req-a'), 'earlier lines are only tailed');
});

test('the tail keeps the text as written, control characters and all (as Lambda LogResult)', () => {
  const log = new InvocationLog('r', () => {}, true);
  log.output('\r\u001b[2Kforged');
  assert.equal(log.tail(), '\r\u001b[2Kforged\n');
});
