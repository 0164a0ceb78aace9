import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverUrl } from './server-url.js';

test('clients reach a wildcard listener on loopback, and IPv6 hosts are bracketed', () => {
  const cases: [string, number, string][] = [
    ['127.0.0.1', 4280, 'http://127.0.0.1:4280'],
    ['0.0.0.0', 4280, 'http://127.0.0.1:4280'],
    ['::', 9000, 'http://[::1]:9000'],
    ['::1', 4280, 'http://[::1]:4280'],
    ['localhost', 80, 'http://localhost:80'],
  ];
  for (const [host, port, url] of cases) assert.equal(serverUrl(host, port), url);
});
