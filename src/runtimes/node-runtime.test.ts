// End-to-end tests of the Node runtime client: a real node process per test, talking to
// TestRuntimeApi exactly as it would talk to the platform's Runtime API. Module formats, handler
// styles, results and the context object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJson as json, withSandbox, type SandboxOptions, type TestSandbox } from './test-sandbox.js';

function withNode(
  files: SandboxOptions['files'],
  handler: string,
  body: (sandbox: TestSandbox) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  return withSandbox({ runtime: 'nodejs20.x', handler, files, env }, body);
}

describe('node runtime: module formats', () => {
  const cases: Array<[string, SandboxOptions['files'], string]> = [
    ['CommonJS .js', { 'index.js': 'exports.handler = async (e) => ({ got: e.n, kind: "cjs" });' }, 'index.handler'],
    ['ESM .mjs', { 'index.mjs': 'export const handler = async (e) => ({ got: e.n, kind: "mjs" });' }, 'index.handler'],
    [
      '.js in a "type":"module" package',
      {
        'package.json': '{"type":"module"}',
        'index.js': 'export const handler = async (e) => ({ got: e.n, kind: typeof require });',
      },
      'index.handler',
    ],
    [
      '.js with top-level await in a "type":"module" package',
      {
        'package.json': '{"type":"module"}',
        'index.js':
          'const kind = await Promise.resolve("tla");\nexport const handler = async (e) => ({ got: e.n, kind });',
      },
      'index.handler',
    ],
    [
      '.mjs with top-level await (imported: Node will not require it)',
      {
        'index.mjs':
          'const kind = await Promise.resolve("tla");\nexport const handler = async (e) => ({ got: e.n, kind });',
      },
      'index.handler',
    ],
    ['.cjs', { 'app.cjs': 'module.exports.main = async (e) => ({ got: e.n, kind: "cjs" });' }, 'app.main'],
    [
      'module in a sub-directory with a nested export path',
      { 'src/api/routes.mjs': 'export const api = { v1: { get: async (e) => ({ got: e.n, kind: "nested" }) } };' },
      'src/api/routes.api.v1.get',
    ],
    [
      'module.exports assigned an object',
      {
        'index.js': 'const impl = { handler: async (e) => ({ got: e.n, kind: "assigned" }) };\nmodule.exports = impl;',
      },
      'index.handler',
    ],
  ];
  for (const [name, files, handler] of cases) {
    it(`runs a handler from ${name}`, async () => {
      await withNode(files, handler, async ({ api }) => {
        const result = await api.invoke({ n: 7 });
        assert.equal(result.kind, 'response', result.body);
        assert.equal(json(result.body)['got'], 7);
      });
    });
  }

  it('awaits top-level await before asking for the first event', async () => {
    const files = {
      'index.mjs':
        'const config = await new Promise((r) => setTimeout(() => r({ ready: true }), 30));\n' +
        'export const handler = async () => config;',
    };
    await withNode(files, 'index.handler', async ({ api }) => {
      assert.deepEqual(json((await api.invoke({})).body), { ready: true });
    });
  });

  it('finds the function own node_modules', async () => {
    const files = {
      'node_modules/greeter/package.json': '{"name":"greeter","main":"main.js"}',
      'node_modules/greeter/main.js': 'exports.greet = (n) => "hello " + n;',
      'index.mjs': 'import { greet } from "greeter";\nexport const handler = async (e) => greet(e.name);',
    };
    await withNode(files, 'index.handler', async ({ api }) => {
      assert.equal(json(`{"v":${(await api.invoke({ name: 'ann' })).body}}`)['v'], 'hello ann');
    });
  });
});

describe('node runtime: results and handler styles', () => {
  it('keeps module state between warm invocations in one process', async () => {
    const files = { 'index.js': 'let count = 0;\nexports.handler = async () => ++count;' };
    await withNode(files, 'index.handler', async ({ api }) => {
      assert.equal((await api.invoke({})).body, '1');
      assert.equal((await api.invoke({})).body, '2');
      assert.equal((await api.invoke({})).body, '3');
    });
  });

  it('keeps working when the Runtime API closes the connection after every answer or sends chunked events', async () => {
    const files = { 'index.js': 'let count = 0;\nexports.handler = async (e) => ({ count: ++count, e });' };
    await withNode(files, 'index.handler', async ({ api }) => {
      api.closeConnections = true;
      assert.deepEqual(json((await api.invoke({ a: 1 })).body), { count: 1, e: { a: 1 } });
      assert.deepEqual(json((await api.invoke({ a: 2 })).body), { count: 2, e: { a: 2 } });
      api.closeConnections = false;
      api.chunkedEvents = true;
      assert.deepEqual(json((await api.invoke({ a: 'é'.repeat(5000) })).body), {
        count: 3,
        e: { a: 'é'.repeat(5000) },
      });
    });
  });

  it('answers null when an async handler returns undefined', async () => {
    await withNode({ 'index.mjs': 'export const handler = async () => {};' }, 'index.handler', async ({ api }) => {
      assert.equal((await api.invoke({})).body, 'null');
    });
  });

  it('answers with the callback result of a callback-style handler', async () => {
    const files = { 'index.js': 'exports.handler = (e, ctx, cb) => { setTimeout(() => cb(null, { echo: e }), 5); };' };
    await withNode(files, 'index.handler', async ({ api }) => {
      assert.deepEqual(json((await api.invoke({ a: 1 })).body), { echo: { a: 1 } });
    });
  });

  it('holds a callback result until the event loop is empty (callbackWaitsForEmptyEventLoop = true)', async () => {
    const files = {
      'index.js':
        'let timerFired = false;\n' +
        'exports.handler = (e, ctx, cb) => { timerFired = false; setTimeout(() => { timerFired = true; console.log("timer"); }, 150); cb(null, "done"); };\n' +
        'exports.check = async () => timerFired;',
    };
    await withNode(files, 'index.handler', async (sandbox) => {
      const result = await sandbox.api.invoke({});
      assert.equal(result.body, '"done"');
      assert.ok(result.handlerMs >= 140, `answered after ${result.handlerMs} ms, before the pending timer`);
      assert.match(sandbox.stdout(), /\tINFO\ttimer\n/);
    });
  });

  it('answers at once when callbackWaitsForEmptyEventLoop = false, and the timer still runs later', async () => {
    const files = {
      'index.js':
        'exports.handler = (e, ctx, cb) => { ctx.callbackWaitsForEmptyEventLoop = false;\n' +
        '  setTimeout(() => console.log("late timer"), 300); cb(null, "quick"); };',
    };
    await withNode(files, 'index.handler', async (sandbox) => {
      const result = await sandbox.api.invoke({});
      assert.equal(result.body, '"quick"');
      assert.ok(result.handlerMs < 250, `took ${result.handlerMs} ms`);
      await sandbox.waitForStdout('late timer');
    });
  });

  it('answers null when a handler neither returns a promise nor calls back, once the loop is empty', async () => {
    const files = { 'index.js': 'exports.handler = (e, ctx, cb) => { setTimeout(() => {}, 20); return 42; };' };
    await withNode(files, 'index.handler', async ({ api }) => {
      assert.equal((await api.invoke({})).body, 'null');
    });
  });

  it('supports context.succeed / context.fail', async () => {
    const files = {
      'index.js':
        'exports.handler = (e, ctx) => { if (e.ok) ctx.succeed({ fine: true }); else ctx.fail(new Error("nope")); };',
    };
    await withNode(files, 'index.handler', async ({ api }) => {
      assert.deepEqual(json((await api.invoke({ ok: true })).body), { fine: true });
      const failed = await api.invoke({ ok: false });
      assert.equal(failed.kind, 'error');
      assert.equal(json(failed.body)['errorMessage'], 'nope');
    });
  });

  it('reports a circular result as the TypeError JSON.stringify throws', async () => {
    const files = { 'index.mjs': 'export const handler = async () => { const a = {}; a.self = a; return a; };' };
    await withNode(files, 'index.handler', async ({ api }) => {
      const result = await api.invoke({});
      assert.equal(result.kind, 'error');
      assert.equal(result.errorType, 'TypeError');
      assert.match(String(json(result.body)['errorMessage']), /^Converting circular structure to JSON/);
    });
  });
});

describe('node runtime: context', () => {
  it('fills the context from the environment and the invocation headers', async () => {
    const files = {
      'index.js':
        'exports.handler = async (e, c) => ({ name: c.functionName, version: c.functionVersion, mem: c.memoryLimitInMB,\n' +
        '  arn: c.invokedFunctionArn, id: c.awsRequestId, group: c.logGroupName, stream: c.logStreamName,\n' +
        '  remaining: c.getRemainingTimeInMillis(), waits: c.callbackWaitsForEmptyEventLoop,\n' +
        '  clientContext: c.clientContext, identity: c.identity, trace: process.env._X_AMZN_TRACE_ID });',
    };
    await withNode(files, 'index.handler', async ({ api }) => {
      const result = await api.invoke(
        {},
        {
          requestId: 'abc-123',
          deadlineMs: Date.now() + 5_000,
          invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test-fn:prod',
          traceId: 'Root=1-5e1b4151-5ac6c58f5b3a4d0c2d8c0f1e;Sampled=1',
          clientContext: '{"custom":{"k":"v"}}',
          cognitoIdentity: '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
        },
      );
      const c = json(result.body);
      assert.equal(c['name'], 'test-fn');
      assert.equal(c['version'], '$LATEST');
      assert.equal(c['mem'], '256');
      assert.equal(c['arn'], 'arn:aws:lambda:us-east-1:000000000000:function:test-fn:prod');
      assert.equal(c['id'], 'abc-123');
      assert.equal(c['group'], '/aws/lambda/test-fn');
      assert.equal(c['stream'], '2026/01/01/[$LATEST]0123456789abcdef');
      assert.ok(Number(c['remaining']) > 4_000 && Number(c['remaining']) <= 5_000, String(c['remaining']));
      assert.equal(c['waits'], true);
      assert.deepEqual(c['clientContext'], { custom: { k: 'v' } });
      assert.deepEqual(c['identity'], { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' });
      assert.equal(c['trace'], 'Root=1-5e1b4151-5ac6c58f5b3a4d0c2d8c0f1e;Sampled=1');
    });
  });
});
