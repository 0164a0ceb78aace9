// Versions and aliases through the AWS SDK v3: publish (matrix row A27's CodeSha256 check),
// version-qualified Get/Invoke/Delete, aliases with weighted routing, X-Amz-Executed-Version.
import {
  ListFunctionsCommand,
  CreateAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, expectLambdaError, lambdaClient, uniqueName } from '../support/lambda.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

function marked(marker: string): Promise<Buffer> {
  return nodeSource({
    'index.mjs': `export const handler = async (event, context) => ({ marker: '${marker}', version: context.functionVersion, arn: context.invokedFunctionArn });\n`,
  });
}

interface Ran {
  readonly marker: string;
  readonly version: string;
  readonly arn: string;
  readonly executedVersion: string | undefined;
}

describe('Versions and aliases (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const fn = uniqueName('versions');

  async function run(qualifier: string | undefined): Promise<Ran> {
    const out = await client.send(
      new InvokeCommand({ FunctionName: fn, Qualifier: qualifier, Payload: Buffer.from('{}'), LogType: 'Tail' }),
    );
    const logs = Buffer.from(out.LogResult ?? '', 'base64').toString();
    assert.equal(out.FunctionError, undefined, `${Buffer.from(out.Payload ?? []).toString()}\n${logs}`);
    const body = JSON.parse(Buffer.from(out.Payload ?? []).toString()) as Omit<Ran, 'executedVersion'>;
    return { ...body, executedVersion: out.ExecutedVersion };
  }

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    // Publish: true on create gives version 1 (v1 code).
    await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await marked('v1') },
      Publish: true,
    });
    // $LATEST moves on to v2 code; PublishVersion freezes it as version 2.
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: fn, ZipFile: await marked('v2') }));
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { FunctionName: fn });
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('A27: PublishVersion with a wrong CodeSha256 is 400; with the right one it publishes version 2, once', async () => {
    const latest = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    await expectLambdaError(client.send(new PublishVersionCommand({ FunctionName: fn, CodeSha256: 'wrong' })), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: `CodeSHA256 (wrong) is different from current CodeSHA256 in $LATEST (${latest.CodeSha256}). Please try again with the current CodeSHA256.`,
    });
    await expectLambdaError(client.send(new PublishVersionCommand({ FunctionName: fn, RevisionId: 'stale' })), {
      name: 'PreconditionFailedException',
      status: 412,
    });
    const two = await client.send(
      new PublishVersionCommand({ FunctionName: fn, CodeSha256: latest.CodeSha256, Description: 'second' }),
    );
    assert.deepEqual([two.Version, two.FunctionArn, two.Description], ['2', `${ARN}:${fn}:2`, 'second']);
    const again = await client.send(new PublishVersionCommand({ FunctionName: fn }));
    assert.equal(again.Version, '2', 'nothing changed since version 2, so version 2 is returned');
  });

  it('each version runs its own code and reports itself in X-Amz-Executed-Version', async () => {
    assert.deepEqual(await run('1'), { marker: 'v1', version: '1', arn: `${ARN}:${fn}:1`, executedVersion: '1' });
    assert.deepEqual(await run('2'), { marker: 'v2', version: '2', arn: `${ARN}:${fn}:2`, executedVersion: '2' });
    const latest = await run(undefined);
    assert.deepEqual([latest.marker, latest.executedVersion], ['v2', '$LATEST']);
    const one = await client.send(new GetFunctionConfigurationCommand({ FunctionName: `${fn}:1` }));
    assert.deepEqual([one.Version, one.FunctionArn], ['1', `${ARN}:${fn}:1`]);
  });

  it('ListVersionsByFunction pages with $LATEST first', async () => {
    const first = await client.send(new ListVersionsByFunctionCommand({ FunctionName: fn, MaxItems: 2 }));
    assert.deepEqual(
      first.Versions?.map((v) => v.Version),
      ['$LATEST', '1'],
    );
    const rest = await client.send(new ListVersionsByFunctionCommand({ FunctionName: fn, Marker: first.NextMarker }));
    assert.deepEqual(
      rest.Versions?.map((v) => v.Version),
      ['2'],
    );
    assert.equal(rest.NextMarker, undefined);
  });

  it('ListFunctions with FunctionVersion ALL lists the published versions after $LATEST', async () => {
    const listed = [];
    let marker: string | undefined;
    do {
      const page = await client.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 1, Marker: marker }));
      listed.push(...(page.Functions ?? []).filter((f) => f.FunctionName === fn));
      marker = page.NextMarker;
    } while (marker !== undefined);
    assert.deepEqual(
      listed.map((f) => [f.Version, f.FunctionArn]),
      [
        ['$LATEST', `${ARN}:${fn}`],
        ['1', `${ARN}:${fn}:1`],
        ['2', `${ARN}:${fn}:2`],
      ],
    );
    const latestOnly = await client.send(new ListFunctionsCommand({}));
    assert.deepEqual(
      latestOnly.Functions?.filter((f) => f.FunctionName === fn).map((f) => f.Version),
      ['$LATEST'],
    );
  });

  it('an unknown version or alias is 404 with the qualified ARN', async () => {
    await expectLambdaError(client.send(new InvokeCommand({ FunctionName: fn, Qualifier: '7' })), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Function not found: ${ARN}:${fn}:7`,
    });
    await expectLambdaError(client.send(new InvokeCommand({ FunctionName: `${fn}:nosuch` })), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Function not found: ${ARN}:${fn}:nosuch`,
    });
  });

  it('an alias runs its version; moving it (with RevisionId) takes effect at once', async () => {
    const created = await client.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '1' }));
    assert.equal(created.AliasArn, `${ARN}:${fn}:live`);
    await expectLambdaError(
      client.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '1' })),
      {
        name: 'ResourceConflictException',
        status: 409,
        message: `Alias already exists: ${ARN}:${fn}:live`,
      },
    );
    await expectLambdaError(
      client.send(new CreateAliasCommand({ FunctionName: fn, Name: '42', FunctionVersion: '1' })),
      {
        name: 'ValidationException',
        status: 400,
      },
    );
    const viaAlias = await run('live');
    assert.deepEqual(viaAlias, { marker: 'v1', version: '1', arn: `${ARN}:${fn}:live`, executedVersion: '1' });
    await expectLambdaError(
      client.send(
        new UpdateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '2', RevisionId: 'stale' }),
      ),
      {
        name: 'PreconditionFailedException',
        status: 412,
      },
    );
    await client.send(
      new UpdateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '2', RevisionId: created.RevisionId }),
    );
    assert.deepEqual([(await run('live')).marker, (await run('live')).executedVersion], ['v2', '2']);
    const listed = await client.send(new ListAliasesCommand({ FunctionName: fn, FunctionVersion: '2' }));
    assert.deepEqual(
      listed.Aliases?.map((a) => a.Name),
      ['live'],
    );
  });

  it('weighted routing sends a share of invocations to the additional version', async () => {
    await client.send(
      new CreateAliasCommand({
        FunctionName: fn,
        Name: 'canary',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
      }),
    );
    const got = await client.send(new GetAliasCommand({ FunctionName: fn, Name: 'canary' }));
    assert.deepEqual(got.RoutingConfig?.AdditionalVersionWeights, { '2': 0.5 });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 60; i += 1) {
      const ran = await run('canary');
      assert.equal(ran.marker, ran.executedVersion === '1' ? 'v1' : 'v2', 'the executed version ran its own code');
      counts[ran.executedVersion ?? '?'] = (counts[ran.executedVersion ?? '?'] ?? 0) + 1;
    }
    // Binomial(60, 0.5): outside 12..48 has probability below 1e-5.
    assert.ok((counts['1'] ?? 0) >= 12 && (counts['2'] ?? 0) >= 12, JSON.stringify(counts));
  });

  it('DeleteFunction with a version deletes that version only; $LATEST alone cannot be deleted', async () => {
    await expectLambdaError(client.send(new DeleteFunctionCommand({ FunctionName: fn, Qualifier: '$LATEST' })), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: '$LATEST version cannot be deleted without deleting the function.',
    });
    await expectLambdaError(client.send(new DeleteFunctionCommand({ FunctionName: fn, Qualifier: '2' })), {
      name: 'ResourceConflictException',
      status: 409,
    });
    await client.send(new PublishVersionCommand({ FunctionName: fn, Description: 'ignored: nothing changed' }));
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: fn, ZipFile: await marked('v3'), Publish: true }));
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { FunctionName: fn });
    assert.equal((await run('3')).marker, 'v3');
    await client.send(new DeleteFunctionCommand({ FunctionName: fn, Qualifier: '3' }));
    await expectLambdaError(client.send(new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: '3' })), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Function not found: ${ARN}:${fn}:3`,
    });
    assert.equal((await run(undefined)).marker, 'v3');
  });
});
