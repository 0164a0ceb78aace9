// Provisioned concurrency through the AWS SDK v3, the edges: UpdateAlias may not move an alias with
// provisioned concurrency where PutProvisionedConcurrencyConfig would refuse it (onto a version with
// its own configuration, or onto $LATEST), and a configuration whose init FAILED is tried again
// when it is put again (Hearth does not retry a FAILED configuration on its own).
import {
  CreateAliasCommand,
  GetAliasCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  PublishVersionCommand,
  PutProvisionedConcurrencyConfigCommand,
  TagResourceCommand,
  UpdateAliasCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { nodeEcho, nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import {
  createAndWait,
  expectLambdaError,
  lambdaClient,
  uniqueName,
  updateConfigurationAndWait,
} from '../support/lambda.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

describe('Provisioned concurrency: alias moves and FAILED configurations (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const fn = uniqueName('pc-moves');
  const flaky = uniqueName('pc-flaky');

  async function settled(name: string, qualifier: string): Promise<GetProvisionedConcurrencyConfigCommandOutput> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const got = await client.send(
        new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: qualifier }),
      );
      if (got.Status !== 'IN_PROGRESS' || Date.now() > deadline) return got;
      await delay(50);
    }
  }

  const putProvisioned = (name: string, qualifier: string) =>
    client.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: name,
        Qualifier: qualifier,
        ProvisionedConcurrentExecutions: 1,
      }),
    );

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await nodeEcho() },
    });
    // Versions 1, 2 and 3, each with its own configuration revision.
    for (const mark of ['1', '2', '3']) {
      await updateConfigurationAndWait(client, { FunctionName: fn, Environment: { Variables: { MARK: mark } } });
      const published = await client.send(new PublishVersionCommand({ FunctionName: fn }));
      assert.equal(published.Version, mark);
    }
    await client.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '1' }));
    await client.send(new CreateAliasCommand({ FunctionName: fn, Name: 'plain', FunctionVersion: '1' }));
    await putProvisioned(fn, 'live');
    await putProvisioned(fn, '2');
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('UpdateAlias refuses to move an alias with provisioned concurrency onto a version that has its own', async () => {
    const onProvisionedVersion = {
      name: 'ResourceConflictException',
      status: 409,
      message: "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
    };
    await expectLambdaError(
      client.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '2' })),
      onProvisionedVersion,
    );
    await expectLambdaError(
      client.send(
        new UpdateAliasCommand({
          FunctionName: fn,
          Name: 'live',
          RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } },
        }),
      ),
      onProvisionedVersion,
    );
    await expectLambdaError(
      client.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '$LATEST' })),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message: 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
      },
    );
    const alias = await client.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }));
    assert.equal(alias.FunctionVersion, '1', 'the refused updates changed nothing');
    assert.equal(alias.RoutingConfig?.AdditionalVersionWeights, undefined);
  });

  it('an alias without provisioned concurrency moves freely; one with it moves to a version without its own', async () => {
    const plain = await client.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'plain', FunctionVersion: '2' }));
    assert.equal(plain.FunctionVersion, '2');
    const moved = await client.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '3' }));
    assert.equal(moved.FunctionVersion, '3');
    const ready = await settled(fn, 'live');
    assert.equal(ready.Status, 'READY', JSON.stringify(ready));
    const out = await client.send(
      new InvokeCommand({ FunctionName: `${ARN}:${fn}:live`, Payload: Buffer.from('{"a":1}') }),
    );
    assert.equal(out.ExecutedVersion, '3');
  });

  it('a configuration that FAILED in init stays FAILED until it is put again, then is tried again', async () => {
    // Init asks Hearth for the function's tags (the runtime's own AWS SDK, the sandbox's temporary
    // credentials) and fails until the tag ready=yes is set: a cause outside the immutable version.
    await createAndWait(client, {
      FunctionName: flaky,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 30,
      Publish: true,
      Code: {
        ZipFile: await nodeSource({
          'index.mjs': [
            "import { createRequire } from 'node:module';",
            'const require = createRequire(import.meta.url);',
            "const { LambdaClient, ListTagsCommand } = require('@aws-sdk/client-lambda');",
            `const arn = '${ARN}:' + process.env.AWS_LAMBDA_FUNCTION_NAME;`,
            'const { Tags } = await new LambdaClient({}).send(new ListTagsCommand({ Resource: arn }));',
            "if (Tags?.ready !== 'yes') throw new Error('not ready yet');",
            'export const handler = async () => ({ initType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE });',
            '',
          ].join('\n'),
        }),
      },
    });
    await putProvisioned(flaky, '1');
    const failed = await settled(flaky, '1');
    assert.equal(failed.Status, 'FAILED', JSON.stringify(failed));
    assert.equal(failed.StatusReason, 'FUNCTION_ERROR_INIT_FAILURE');
    assert.equal(failed.AvailableProvisionedConcurrentExecutions, 0);

    await client.send(new TagResourceCommand({ Resource: `${ARN}:${flaky}`, Tags: { ready: 'yes' } }));
    const still = await client.send(
      new GetProvisionedConcurrencyConfigCommand({ FunctionName: flaky, Qualifier: '1' }),
    );
    assert.equal(still.Status, 'FAILED', 'no retry on its own');

    const again = await putProvisioned(flaky, '1');
    assert.equal(again.Status, 'IN_PROGRESS');
    assert.equal(again.StatusReason, undefined);
    const ready = await settled(flaky, '1');
    assert.equal(ready.Status, 'READY', JSON.stringify(ready));
    assert.equal(ready.AvailableProvisionedConcurrentExecutions, 1);
    const out = await client.send(
      new InvokeCommand({ FunctionName: flaky, Qualifier: '1', Payload: Buffer.from('{}') }),
    );
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload ?? []).toString()), { initType: 'provisioned-concurrency' });
  });
});
