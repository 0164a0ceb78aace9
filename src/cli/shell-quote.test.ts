import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { exportLine, shellQuote } from './shell-quote.js';

test('plain values are left bare so the output stays readable', () => {
  for (const value of ['us-east-1', 'http://127.0.0.1:4280', 'AKIAABCDEF', 'abc+/=xyz']) {
    assert.equal(shellQuote(value), value);
  }
});

test('values with shell characters are single-quoted', () => {
  assert.equal(shellQuote('a b'), `'a b'`);
  assert.equal(shellQuote(''), `''`);
  assert.equal(shellQuote(`it's`), `'it'\\''s'`);
});

test('a POSIX shell reads back exactly the value that was exported', () => {
  const values = ['plain', 'with space', `quo'te`, 'dollar $HOME and `cmd`', 'back\\slash', 'new\nline', '*?[]!;&|<>'];
  const script = values.map((value, i) => `${exportLine(`V${i}`, value)}\nprintf '%s\\0' "$V${i}"`).join('\n');
  const printed = execFileSync('sh', ['-c', script]).toString('utf8').split('\0').slice(0, -1);
  assert.deepEqual(printed, values);
});
