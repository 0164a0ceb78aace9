import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Route } from './route.js';
import { Router } from './router.js';

const handler: Route['handler'] = async () => ({ status: 200 });
const route = (operation: string, method: Route['method'], path: string, query?: Route['query']): Route =>
  query === undefined ? { operation, method, path, handler } : { operation, method, path, query, handler };

const router = new Router([
  route('ListFunctions', 'GET', '/2015-03-31/functions/'),
  route('CreateFunction', 'POST', '/2015-03-31/functions'),
  route('GetFunction', 'GET', '/2015-03-31/functions/{FunctionName}'),
  route('DeleteFunction', 'DELETE', '/2015-03-31/functions/{FunctionName}'),
  route('Invoke', 'POST', '/2015-03-31/functions/{FunctionName}/invocations'),
  route('GetFunctionConfiguration', 'GET', '/2015-03-31/functions/{FunctionName}/configuration'),
  route('GetPolicy', 'GET', '/2015-03-31/functions/{FunctionName}/policy'),
  route('ListLayers', 'GET', '/2018-10-31/layers'),
  route('GetLayerVersionByArn', 'GET', '/2018-10-31/layers', { find: 'LayerVersion' }),
  route('ListProvisioned', 'GET', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', { List: 'ALL' }),
  route('GetProvisioned', 'GET', '/2019-09-30/functions/{FunctionName}/provisioned-concurrency', { Qualifier: true }),
  route('RemovePermission', 'DELETE', '/2015-03-31/functions/{FunctionName}/policy/{StatementId}'),
  route('Logs', 'GET', '/hearth/2026-11-01/functions/{FunctionName}/logs'),
]);

const cases: { method: string; url: string; expect: string; params?: Record<string, string> }[] = [
  { method: 'GET', url: '/2015-03-31/functions/', expect: 'ListFunctions' },
  { method: 'GET', url: '/2015-03-31/functions', expect: 'ListFunctions' },
  { method: 'GET', url: '/2015-03-31/functions/?MaxItems=5', expect: 'ListFunctions' },
  { method: 'POST', url: '/2015-03-31/functions', expect: 'CreateFunction' },
  { method: 'POST', url: '/2015-03-31/functions/', expect: 'CreateFunction' },
  { method: 'GET', url: '/2015-03-31/functions/my-fn', expect: 'GetFunction', params: { FunctionName: 'my-fn' } },
  { method: 'GET', url: '/2015-03-31/functions/my-fn/', expect: 'GetFunction', params: { FunctionName: 'my-fn' } },
  {
    method: 'GET',
    url: '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af',
    expect: 'GetFunction',
    params: { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:f' },
  },
  { method: 'GET', url: '/2015-03-31/functions/a:b:c', expect: 'GetFunction', params: { FunctionName: 'a:b:c' } },
  { method: 'DELETE', url: '/2015-03-31/functions/f', expect: 'DeleteFunction', params: { FunctionName: 'f' } },
  { method: 'POST', url: '/2015-03-31/functions/f/invocations', expect: 'Invoke', params: { FunctionName: 'f' } },
  { method: 'POST', url: '/2015-03-31/functions/f/invocations?Qualifier=1', expect: 'Invoke' },
  { method: 'GET', url: '/2015-03-31/functions/f/configuration', expect: 'GetFunctionConfiguration' },
  { method: 'GET', url: '/2015-03-31/functions/f/policy', expect: 'GetPolicy' },
  {
    method: 'DELETE',
    url: '/2015-03-31/functions/f/policy/s%20id',
    expect: 'RemovePermission',
    params: { FunctionName: 'f', StatementId: 's id' },
  },
  { method: 'GET', url: '/2018-10-31/layers', expect: 'ListLayers' },
  { method: 'GET', url: '/2018-10-31/layers?find=LayerVersion&Arn=x', expect: 'GetLayerVersionByArn' },
  { method: 'GET', url: '/2018-10-31/layers?find=Other', expect: 'ListLayers' },
  { method: 'GET', url: '/2019-09-30/functions/f/provisioned-concurrency?List=ALL', expect: 'ListProvisioned' },
  { method: 'GET', url: '/2019-09-30/functions/f/provisioned-concurrency?Qualifier=1', expect: 'GetProvisioned' },
  { method: 'GET', url: '/2019-09-30/functions/f/provisioned-concurrency', expect: 'no-path' },
  { method: 'GET', url: '/hearth/2026-11-01/functions/f/logs?after=3', expect: 'Logs' },
  // Malformed escapes are passed on raw; validation downstream names the bad value.
  { method: 'GET', url: '/2015-03-31/functions/%E0%A4%A', expect: 'GetFunction', params: { FunctionName: '%E0%A4%A' } },
  { method: 'GET', url: '/2015-03-31/functions//', expect: 'no-path' },
  { method: 'GET', url: '/2015-03-31/functions/f//', expect: 'no-path' },
  { method: 'GET', url: '/2015-03-31/functions/f/invocations/extra', expect: 'no-path' },
  { method: 'GET', url: '/2015-03-31', expect: 'no-path' },
  { method: 'GET', url: '/', expect: 'no-path' },
  { method: 'GET', url: '/nope/functions', expect: 'no-path' },
  { method: 'PUT', url: '/2015-03-31/functions/f', expect: 'wrong-method:GET,DELETE' },
  { method: 'GET', url: '/2015-03-31/functions/f/invocations', expect: 'wrong-method:POST' },
  { method: 'HEAD', url: '/2015-03-31/functions/', expect: 'wrong-method:GET,POST' },
];

for (const c of cases) {
  test(`${c.method} ${c.url} → ${c.expect}`, () => {
    const q = c.url.indexOf('?');
    const path = q === -1 ? c.url : c.url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : c.url.slice(q + 1));
    const match = router.match(c.method, path, query);
    const got =
      match.kind === 'found'
        ? match.route.operation
        : match.kind === 'wrong-method'
          ? `wrong-method:${[...match.allowed].sort((a, b) => order(a) - order(b)).join(',')}`
          : 'no-path';
    assert.equal(got, c.expect);
    if (c.params !== undefined && match.kind === 'found') assert.deepEqual(match.params, c.params);
  });
}

function order(method: string): number {
  return ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].indexOf(method);
}

test('a placeholder first segment is matched too', () => {
  const r = new Router([route('Any', 'GET', '/{Version}/ping')]);
  const match = r.match('GET', '/v1/ping', new URLSearchParams());
  assert.equal(match.kind, 'found');
  assert.deepEqual(match.kind === 'found' ? match.params : undefined, { Version: 'v1' });
});

test('a placeholder that is not a whole segment is refused when routes are built', () => {
  assert.throws(() => new Router([route('Bad', 'GET', '/a/x{Name}')]), /must be a whole segment/);
});
