// ES module handlers import the AWS SDK for JavaScript v3 the runtime includes, without bundling
// it, as on Lambda's nodejs18.x+ runtimes, and call Hearth with it from inside their sandbox: on
// the isolated driver (from the pre-started pool and from a cold start) and on the process driver.
// The function's own node_modules, then its layers, win over the runtime's copy (docs/layers.md).
import {
  PublishLayerVersionCommand,
  type LambdaClient,
  type PublishLayerVersionCommandOutput,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isolationSkipReason } from '../../src/sandbox/drivers/isolated-test-environment.js';
import { printed, startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, invoke, lambdaClient, uniqueName } from '../support/lambda.js';
import { buildZip } from '../support/zip.js';

const isolationSkip = await isolationSkipReason();

/** Lists the functions through the unbundled SDK (AWS_ENDPOINT_URL and the sandbox's credentials). */
const LISTER = {
  'index.mjs': `import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
const client = new LambdaClient({});
export const handler = async () => {
  const listed = await client.send(new ListFunctionsCommand({}));
  return { names: listed.Functions.map((f) => f.FunctionName), processStartedAt: performance.timeOrigin };
};`,
};

/** What `import { LambdaClient } from '@aws-sdk/client-lambda'` gives, and the layer packages. */
const WHICH_SDK = {
  'index.mjs': `import { LambdaClient } from '@aws-sdk/client-lambda';
export const handler = async () => (typeof LambdaClient === 'string' ? LambdaClient : 'runtime SDK');`,
};

const stubSdk = (prefix: string, marker: string): Record<string, string> => ({
  [`${prefix}/@aws-sdk/client-lambda/package.json`]: '{ "name": "@aws-sdk/client-lambda", "main": "index.js" }',
  [`${prefix}/@aws-sdk/client-lambda/index.js`]: `exports.LambdaClient = '${marker}';`,
});

/** Packages in both of a layer's Node folders (the runtime's SDK then shares /node_modules with one). */
const TWO_FOLDER_LAYER = {
  'nodejs/node20/node_modules/only20/package.json': '{ "name": "only20", "main": "index.js" }',
  'nodejs/node20/node_modules/only20/index.js': "exports.where = 'node20';",
  'nodejs/node_modules/greeter/package.json': '{ "name": "greeter", "main": "index.js" }',
  'nodejs/node_modules/greeter/index.js': "exports.where = 'nodejs';",
};

const LISTER_WITH_LAYER_PACKAGES = {
  'index.mjs': `import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import only20 from 'only20';
import greeter from 'greeter';
export const handler = async () => {
  const listed = await new LambdaClient({}).send(new ListFunctionsCommand({}));
  return { names: listed.Functions.map((f) => f.FunctionName), layers: [only20.where, greeter.where] };
};`,
};

interface Listed {
  readonly names: string[];
  readonly processStartedAt: number;
}

for (const mode of ['isolated', 'process'] as const) {
  const skip = mode === 'isolated' ? isolationSkip : undefined;
  describe(`ES modules import the runtime's AWS SDK (${mode} driver)`, { skip, timeout: 240_000 }, () => {
    let server: HearthServer;
    let client: LambdaClient;
    let stubLayer: PublishLayerVersionCommandOutput;
    let twoFolderLayer: PublishLayerVersionCommandOutput;
    const create = async (
      name: string,
      files: Record<string, string>,
      more: { layers?: string[]; tmpMb?: number } = {},
    ) =>
      createAndWait(client, {
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        // The SDK's first load takes a while at a small CPU share.
        MemorySize: 1024,
        Timeout: 30,
        Code: { ZipFile: await buildZip(files) },
        ...(more.layers !== undefined ? { Layers: more.layers } : {}),
        ...(more.tmpMb !== undefined ? { EphemeralStorage: { Size: more.tmpMb } } : {}),
      });
    const publish = async (name: string, files: Record<string, string>) =>
      client.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await buildZip(files) } }));

    before(async () => {
      server = await startHearth({
        env:
          mode === 'isolated'
            ? { HEARTH_ISOLATION: 'required', HEARTH_POOL_SIZE: '2' }
            : { HEARTH_ISOLATION: 'off', HEARTH_POOL_SIZE: '0' },
      });
      client = lambdaClient(server);
      [stubLayer, twoFolderLayer] = await Promise.all([
        publish(uniqueName('sdk-stub'), stubSdk('nodejs/node_modules', 'from the layer')),
        publish(uniqueName('two-folders'), TWO_FOLDER_LAYER),
      ]);
    });
    after(async () => {
      client?.destroy();
      await server?.stop();
    });

    if (mode === 'isolated')
      it('an .mjs handler lists the functions with the unbundled SDK, from the pre-started pool', async () => {
        // First: the pool is full once it says so, before anything else took from it.
        await printed(server, 'pre-started pool ready: 2 × nodejs20.x');
        const name = uniqueName('esm-lister-pooled');
        await create(name, LISTER);
        const askedAt = Date.now();
        const result = await invoke(client, name, {});
        assert.equal(result.functionError, undefined, result.text);
        const listed = JSON.parse(result.text) as Listed;
        assert.ok(listed.names.includes(name), result.text);
        assert.ok(listed.processStartedAt < askedAt, 'the runtime was pre-started');
      });

    it('an .mjs handler lists the functions with the unbundled SDK, from a cold start', async () => {
      const name = uniqueName('esm-lister');
      // 1024 MB of /tmp: never from the pre-started pool.
      await create(name, LISTER, { tmpMb: 1024 });
      const result = await invoke(client, name, {}, { logType: 'Tail' });
      assert.equal(result.functionError, undefined, result.text);
      assert.ok((JSON.parse(result.text) as Listed).names.includes(name), result.text);
    });

    it('the same beside layers in both Node folders', async () => {
      const name = uniqueName('esm-lister-layers');
      await create(name, LISTER_WITH_LAYER_PACKAGES, { layers: [twoFolderLayer.LayerVersionArn ?? ''] });
      const result = await invoke(client, name, {});
      assert.equal(result.functionError, undefined, result.text);
      const listed = JSON.parse(result.text) as { names: string[]; layers: string[] };
      assert.ok(listed.names.includes(name), result.text);
      assert.deepEqual(listed.layers, ['node20', 'nodejs']);
    });

    it("the function's own node_modules win over a layer's, and a layer's over the runtime's", async () => {
      const own = uniqueName('esm-own-sdk');
      const layered = uniqueName('esm-layer-sdk');
      await Promise.all([
        create(
          own,
          { ...WHICH_SDK, ...stubSdk('node_modules', 'bundled with the function') },
          {
            layers: [stubLayer.LayerVersionArn ?? ''],
          },
        ),
        create(layered, WHICH_SDK, { layers: [stubLayer.LayerVersionArn ?? ''] }),
      ]);
      const answers = await Promise.all([own, layered].map(async (name) => (await invoke(client, name, {})).text));
      assert.deepEqual(answers, ['"bundled with the function"', '"from the layer"']);
    });
  });
}
