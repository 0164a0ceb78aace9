// The AWS SDK for JavaScript v3 that Node sandboxes get without bundling it, as on Lambda's
// nodejs18.x+ runtimes: `require` finds it through NODE_PATH, `import` through the ES module links
// (esm-layer-paths.ts), from a cold start and from the pre-started pool; the function's own copy,
// then a layer's, win over it. Needs Linux and root.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { genericSpec, poolKey } from '../pool/pool-key.js';
import {
  isolatedHarness,
  isolationSkipReason,
  successPayload,
  type IsolatedHarness,
} from './isolated-test-environment.js';

const skip = await isolationSkipReason();

/** Answers with the process's start time when the event asks (handlers below import it). */
const AGE = `export const age = (event) => (event.age ? performance.timeOrigin : undefined);`;

const ESM_IMPORTS_SDK = {
  'index.mjs': `import { LambdaClient } from '@aws-sdk/client-lambda';
import { age } from './age.mjs';
export const handler = async (event) => age?.(event) ?? typeof LambdaClient;`,
  'age.mjs': AGE,
};

/** Layers in both Node folders: nodejs/node20/node_modules and nodejs/node_modules, the latter
 *  with its own @aws-sdk/client-lambda. */
const LAYER_WITH_SDK_STUB = {
  'nodejs/node20/node_modules/only20/package.json': '{ "name": "only20", "main": "index.js" }',
  'nodejs/node20/node_modules/only20/index.js': "exports.where = 'node20 folder';",
  'nodejs/node_modules/greeter/package.json': '{ "name": "greeter", "main": "index.js" }',
  'nodejs/node_modules/greeter/index.js': "exports.where = 'nodejs folder';",
  'nodejs/node_modules/@aws-sdk/client-lambda/package.json': '{ "name": "@aws-sdk/client-lambda", "main": "index.js" }',
  'nodejs/node_modules/@aws-sdk/client-lambda/index.js': "exports.LambdaClient = 'layer-stub';",
};

const ESM_IMPORTS_SDK_AND_LAYERS = {
  'index.mjs': `import { LambdaClient } from '@aws-sdk/client-lambda';
import * as core from '@aws-sdk/core';
import only20 from 'only20';
import greeter from 'greeter';
import { age } from './age.mjs';
export const handler = async (event) => age?.(event) ??
  ({ lambda: LambdaClient, only20: only20.where, greeter: greeter.where, core: typeof core.AwsSdkSigV4Signer === 'function' ? 'object' : typeof core });`,
  'age.mjs': AGE,
};

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

  it('an ES module handler imports it', async () => {
    const sandbox = await harness.start({ files: ESM_IMPORTS_SDK });
    assert.equal(successPayload(await sandbox.invoke({})), 'function');
  });

  it('a layer wins over it, and it is still found beside two layer folders (a link farm)', async () => {
    const sandbox = await harness.start({ files: ESM_IMPORTS_SDK_AND_LAYERS, optFiles: LAYER_WITH_SDK_STUB });
    assert.deepEqual(successPayload(await sandbox.invoke({})), {
      lambda: 'layer-stub',
      only20: 'node20 folder',
      greeter: 'nodejs folder',
      core: 'object',
    });
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

describe('the AWS SDK in pre-started isolated Node sandboxes', { skip, timeout: 90_000 }, () => {
  let harness: IsolatedHarness;
  let key: string;
  before(async () => {
    harness = await isolatedHarness({ poolSize: 1 });
    const seed = await harness.start({ files: ESM_IMPORTS_SDK });
    key = poolKey(genericSpec(seed.environment.settings.spec));
    assert.equal(harness.driver.prime(seed.environment.settings.spec), key);
  });
  after(async () => harness?.close());

  /** Starts from a ready pre-started sandbox, and says whether its process was older than the start. */
  const startPooled = async (fn: Parameters<IsolatedHarness['start']>[0]): Promise<[unknown, boolean]> => {
    assert.ok(await harness.driver.poolReady(key, 1), 'a pre-started sandbox is ready');
    const askedAt = performance.timeOrigin + performance.now();
    const sandbox = await harness.start({ ...fn, files: { ...fn.files, 'age.mjs': AGE } });
    const payload = successPayload(await sandbox.invoke({}));
    const age = successPayload<number>(await sandbox.invoke({ age: true }));
    return [payload, age < askedAt];
  };

  it('an ES module handler imports it, without layers and with two layer folders', async () => {
    assert.deepEqual(await startPooled({ files: ESM_IMPORTS_SDK }), ['function', true]);
    assert.deepEqual(await startPooled({ files: ESM_IMPORTS_SDK_AND_LAYERS, optFiles: LAYER_WITH_SDK_STUB }), [
      { lambda: 'layer-stub', only20: 'node20 folder', greeter: 'nodejs folder', core: 'object' },
      true,
    ]);
  });
});
