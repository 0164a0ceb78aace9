import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalSafeJson, visibleControls, visibleLines } from './terminal-text.js';

test('control characters a terminal would act on are shown as escapes; the rest is unchanged', () => {
  const cases: Array<[string, string, string]> = [
    ['plain text', 'hello world', 'hello world'],
    [
      'TAB is kept (platform lines use it)',
      'REPORT RequestId: r\tDuration: 1.00 ms\t',
      'REPORT RequestId: r\tDuration: 1.00 ms\t',
    ],
    ['carriage return', 'fine\rforged', 'fine\\rforged'],
    ['newline inside a stored line', 'one\ntwo', 'one\\ntwo'],
    ['erase-line sequence', '\r\u001b[2KREPORT', '\\r\\x1b[2KREPORT'],
    ['colour', '\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
    ['NUL, BEL, BS, VT, FF', '\u0000\u0007\b\u000b\f', '\\x00\\x07\\x08\\x0b\\x0c'],
    ['unit separator, the last C0', '\u001f', '\\x1f'],
    ['DEL', 'a\u007fb', 'a\\x7fb'],
    ['C1: 8-bit CSI and NEL', '\u009b2K\u0085', '\\x9b2K\\x85'],
    ['U+00A0 (no-break space) is text', 'a\u00a0b', 'a\u00a0b'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['bidi override and isolates', '\u202eabc\u2066d\u2069', '\\u202eabc\\u2066d\\u2069'],
    ['non-ASCII text and emoji', 'café ☕ 🚀 日本', 'café ☕ 🚀 日本'],
    ['backslashes are left alone', 'C:\\path \\x1b', 'C:\\path \\x1b'],
    ['empty', '', ''],
  ];
  for (const [name, input, shown] of cases) assert.equal(visibleControls(input), shown, name);
});

test('the escaped text holds no character a terminal would act on', () => {
  const every = Array.from({ length: 0x2100 }, (_, code) => String.fromCharCode(code)).join('');
  const shown = visibleControls(every);
  for (let i = 0; i < shown.length; i++) {
    const code = shown.charCodeAt(i);
    assert.ok(code === 0x09 || (code >= 0x20 && code < 0x7f) || code > 0x9f, `U+${code.toString(16)} left raw`);
    assert.ok(![0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].includes(code));
  }
});

test('JSON output escapes what JSON.stringify leaves raw and still parses back to the same text', () => {
  const message = '\r\u001b[2K\u009b2K\u007f\u202e\u2028done\ttab';
  const line = terminalSafeJson({ message });
  assert.equal(line, '{"message":"\\r\\u001b[2K\\u009b2K\\u007f\\u202e\\u2028done\\ttab"}');
  assert.deepEqual(JSON.parse(line), { message });
});

test('a log tail keeps its line breaks; what is inside a line is made visible', () => {
  assert.equal(
    visibleLines('START RequestId: r\n\r\u001b[2Kforged\nEND RequestId: r\n'),
    'START RequestId: r\n\\r\\x1b[2Kforged\nEND RequestId: r\n',
  );
});
