import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRuntimeApiPath, routeRuntimeApi } from './runtime-api-routes.js';

test('routes every Runtime API path and refuses the rest', () => {
  const table: Array<[string, string, ReturnType<typeof routeRuntimeApi>]> = [
    ['GET', '/2018-06-01/runtime/invocation/next', { kind: 'next' }],
    ['GET', '/2018-06-01/runtime/invocation/next?x=1', { kind: 'next' }],
    ['POST', '/2018-06-01/runtime/invocation/next', { kind: 'method-not-allowed' }],
    ['POST', '/2018-06-01/runtime/invocation/abc-1/response', { kind: 'response', requestId: 'abc-1' }],
    ['POST', '/2018-06-01/runtime/invocation/abc-1/error', { kind: 'error', requestId: 'abc-1' }],
    ['GET', '/2018-06-01/runtime/invocation/abc-1/response', { kind: 'method-not-allowed' }],
    ['POST', '/2018-06-01/runtime/invocation/a/b/response', { kind: 'not-found' }],
    ['POST', '/2018-06-01/runtime/invocation//response', { kind: 'not-found' }],
    ['POST', '/2018-06-01/runtime/invocation/abc/other', { kind: 'not-found' }],
    ['POST', '/2018-06-01/runtime/init/error', { kind: 'init-error' }],
    ['GET', '/2018-06-01/runtime/init/error', { kind: 'method-not-allowed' }],
    ['GET', '/2020-01-01/extension/event/next', { kind: 'not-found' }],
    ['GET', '/', { kind: 'not-found' }],
  ];
  for (const [method, url, expected] of table) {
    assert.deepEqual(routeRuntimeApi(method, url), expected, `${method} ${url}`);
  }
});

test("tells the sandbox's own APIs from Hearth's API by path", () => {
  const table: Array<[string, boolean]> = [
    ['/2018-06-01/runtime/invocation/next', true],
    ['/2018-06-01/hearth/frames', true],
    ['/2020-01-01/extension/register', true],
    ['/2020-08-15/logs', true],
    ['/2022-07-01/telemetry', true],
    ['/2015-03-31/functions/f/invocations', false],
    ['/2019-09-25/functions/f/event-invoke-config', false],
    ['/', false],
  ];
  for (const [url, expected] of table) assert.equal(isRuntimeApiPath(url), expected, url);
});
