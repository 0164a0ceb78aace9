import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorReport } from './error-report.js';

test('error reports: JSON bodies pass through, anything else is wrapped with the header type', () => {
  const json = '{"errorType":"TypeError","errorMessage":"x is undefined","stackTrace":[]}';
  const table: Array<[string | undefined, string, string, string]> = [
    // header, body, expected errorType, expected payload
    ['Runtime.HandlerError', json, 'Runtime.HandlerError', json],
    [undefined, json, 'TypeError', json],
    ['', json, 'TypeError', json],
    [
      'Runtime.Crash',
      'segfault in native code',
      'Runtime.Crash',
      '{"errorType":"Runtime.Crash","errorMessage":"segfault in native code"}',
    ],
    ['Runtime.Crash', '', 'Runtime.Crash', '{"errorType":"Runtime.Crash","errorMessage":""}'],
    [undefined, 'boom', 'Unhandled', '{"errorType":"Unhandled","errorMessage":"boom"}'],
    [undefined, '"just a string"', 'Unhandled', '"just a string"'],
  ];
  for (const [header, body, type, payload] of table) {
    const report = errorReport(header, Buffer.from(body));
    assert.equal(report.errorType, type, body);
    assert.equal(report.payload.toString(), payload, body);
  }
});
