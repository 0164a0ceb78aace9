// End-to-end tests of how the Node runtime client reports handler errors and init errors.
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

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('node runtime: handler errors', () => {
  const cases: Array<[string, string, string, string]> = [
    ['an Error', 'throw new Error("boom")', 'Error', 'boom'],
    ['a TypeError', 'null.x', 'TypeError', "Cannot read properties of null (reading 'x')"],
    [
      'a custom error class',
      'class PaymentDeclined extends Error { constructor(m) { super(m); this.name = "PaymentDeclined"; } }\n throw new PaymentDeclined("card expired")',
      'PaymentDeclined',
      'card expired',
    ],
    ['a string', 'throw "plain text"', 'string', 'plain text'],
  ];
  for (const [name, statement, errorType, errorMessage] of cases) {
    it(`reports ${name} thrown by the handler`, async () => {
      const files = { 'index.mjs': `export const handler = async () => {\n ${statement};\n};` };
      await withNode(files, 'index.handler', async (sandbox) => {
        const result = await sandbox.api.invoke({});
        assert.equal(result.kind, 'error');
        assert.equal(result.errorType, errorType);
        const body = json(result.body);
        assert.equal(body['errorType'], errorType);
        assert.equal(body['errorMessage'], errorMessage);
        assert.ok(Array.isArray(body['trace']));
        if (errorType !== 'string') assert.match(String((body['trace'] as string[])[0]), new RegExp(`^${errorType}: `));
        // The log shows the error as an Error object (a thrown string is wrapped), as Lambda's does.
        const logged = errorType === 'string' ? 'Error' : errorType;
        assert.match(
          sandbox.stdout(),
          new RegExp(
            `\\t${result.requestId}\\tERROR\\tInvoke Error \\t\\{"errorType":"${logged}","errorMessage":"${escapeRegExp(errorMessage)}`,
          ),
        );
        // The environment survives a handled error.
        assert.equal((await sandbox.api.invoke({})).kind, 'error');
      });
    });
  }

  it('reports an error passed to the callback', async () => {
    const files = { 'index.js': 'exports.handler = (e, c, cb) => cb(new RangeError("too far"));' };
    await withNode(files, 'index.handler', async ({ api }) => {
      const result = await api.invoke({});
      assert.equal(result.errorType, 'RangeError');
      assert.equal(json(result.body)['errorMessage'], 'too far');
    });
  });

  it('reports an unhandled rejection during an invocation and exits', async () => {
    const files = {
      'index.mjs':
        'export const handler = async () => { Promise.reject(new Error("lost")); await new Promise((r) => setTimeout(r, 50)); return "late"; };',
    };
    await withNode(files, 'index.handler', async (sandbox) => {
      const result = await sandbox.api.invoke({});
      assert.equal(result.errorType, 'Runtime.UnhandledPromiseRejection');
      assert.equal(json(result.body)['errorMessage'], 'Error: lost');
      assert.equal((await sandbox.exited).code, 128);
    });
  });

  it('reports an uncaught exception from a timer during an invocation and exits', async () => {
    const files = {
      'index.js': 'exports.handler = (e, c, cb) => { setTimeout(() => { throw new Error("from timer"); }, 5); };',
    };
    await withNode(files, 'index.handler', async (sandbox) => {
      const result = await sandbox.api.invoke({});
      assert.equal(result.errorType, 'Error');
      assert.equal(json(result.body)['errorMessage'], 'from timer');
      assert.equal((await sandbox.exited).code, 129);
    });
  });
});

describe('node runtime: init errors', () => {
  const cases: Array<[string, SandboxOptions['files'], string, string, RegExp]> = [
    ['a handler string without a dot', { 'index.js': '' }, 'index', 'Runtime.MalformedHandlerName', /^Bad handler$/],
    [
      'a missing module',
      { 'other.js': '' },
      'index.handler',
      'Runtime.ImportModuleError',
      /^Error: Cannot find module 'index'\nRequire stack:\n- /,
    ],
    [
      'a module importing a missing package',
      { 'index.mjs': 'import "not-installed";\nexport const handler = async () => 1;' },
      'index.handler',
      'Runtime.ImportModuleError',
      /^Error \[ERR_MODULE_NOT_FOUND\]: Cannot find package 'not-installed'/,
    ],
    [
      'a missing export',
      { 'index.js': 'exports.other = () => 1;' },
      'index.handler',
      'Runtime.HandlerNotFound',
      /^index\.handler is undefined or not exported$/,
    ],
    [
      'an export that is not a function',
      { 'index.js': 'exports.handler = 5;' },
      'index.handler',
      'Runtime.HandlerNotFound',
      /^index\.handler is not a function$/,
    ],
    [
      'a syntax error',
      { 'index.mjs': 'export const handler = async () => {\n  return 1;\n}}' },
      'index.handler',
      'Runtime.UserCodeSyntaxError',
      /^SyntaxError: Unexpected token '}'$/,
    ],
    [
      'a module that throws while loading',
      { 'index.js': 'throw new TypeError("bad config");' },
      'index.handler',
      'TypeError',
      /^bad config$/,
    ],
  ];
  for (const [name, files, handler, errorType, message] of cases) {
    it(`posts ${errorType} to /init/error for ${name}, then exits`, async () => {
      await withNode(files, handler, async (sandbox) => {
        const initError = await sandbox.api.initError();
        assert.equal(initError.errorType, errorType);
        assert.equal(initError.body['errorType'], errorType);
        assert.match(String(initError.body['errorMessage']), message);
        assert.ok(Array.isArray(initError.body['trace']));
        const exit = await sandbox.exited;
        assert.notEqual(exit.code, 0);
        assert.equal(sandbox.api.nextCalls.length, 0, 'never asked for an event');
        assert.match(
          sandbox.stdout(),
          new RegExp(`\\tundefined\\tERROR\\tUncaught Exception \\t\\{"errorType":"${errorType.replace('.', '\\.')}"`),
        );
      });
    });
  }
});
