// The AWS SDK for JavaScript v3 that Node sandboxes get without bundling it, as on Lambda's
// nodejs18.x+ runtimes: `require` finds it through NODE_PATH; a copy bundled with the function wins.
// (An ES module `import` of the unbundled SDK does not resolve yet: docs/isolation.md.) Needs Linux and root.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  isolatedHarness,
  isolationSkipReason,
  successPayload,
  type IsolatedHarness,
} from './isolated-test-environment.js';

const skip = await isolationSkipReason();

describe('the AWS SDK in isolated Node sandboxes', { skip, timeout: 60_000 }, () => {
  let harness: IsolatedHarness;
  before(async () => {
    harness = await isolatedHarness();
  });
  after(async () => harness?.close());

  it('a CommonJS handler requires it', async () => {
    const sandbox = await harness.start({
      files: {
        'index.js': `const { LambdaClient } = require('@aws-sdk/client-lambda');
exports.handler = async () => typeof LambdaClient;`,
      },
    });
    assert.equal(successPayload(await sandbox.invoke({})), 'function');
  });

  it("the function's own bundled copy wins, for import and require alike", async () => {
    const bundled = {
      'node_modules/@aws-sdk/client-lambda/package.json': JSON.stringify({
        name: '@aws-sdk/client-lambda',
        exports: { import: './index.mjs', require: './index.cjs' },
      }),
      'node_modules/@aws-sdk/client-lambda/index.mjs': `export const LambdaClient = 'bundled-esm';`,
      'node_modules/@aws-sdk/client-lambda/index.cjs': `exports.LambdaClient = 'bundled-cjs';`,
    };
    const esm = await harness.start({
      files: {
        ...bundled,
        'index.mjs': `import { LambdaClient } from '@aws-sdk/client-lambda'; export const handler = async () => LambdaClient;`,
      },
    });
    assert.equal(successPayload(await esm.invoke({})), 'bundled-esm');
    const cjs = await harness.start({
      files: {
        ...bundled,
        'index.js': `exports.handler = async () => require('@aws-sdk/client-lambda').LambdaClient;`,
      },
    });
    assert.equal(successPayload(await cjs.invoke({})), 'bundled-cjs');
  });
});
