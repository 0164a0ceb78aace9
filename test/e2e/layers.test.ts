// Layers through the AWS SDK v3 and the AWS CLI v2: publish two versions, a CommonJS handler that
// `require`s and an ES module handler that `import`s a package from /opt/nodejs/node_modules, a
// Python handler importing from /opt/python, merge order, unversioned layer resolution (Hearth's
// extension), the errors for unknown, too many and incompatible layers, delete, and the policy.
import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  DeleteLayerVersionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  InvokeCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  RemoveLayerVersionPermissionCommand,
  type LambdaClient,
  type PublishLayerVersionCommandOutput,
  type Runtime,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aws, awsCliMissing } from '../support/aws-cli.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import {
  createAndWait,
  expectLambdaError,
  invokeOk,
  lambdaClient,
  TEST_ROLE,
  uniqueName,
  updateConfigurationAndWait,
} from '../support/lambda.js';
import { describeRun } from '../support/processes.js';
import { buildZip } from '../support/zip.js';

const ACCOUNT = 'arn:aws:lambda:us-east-1:000000000000';

/** A layer with a Node package and a Python module that both say which version they are. */
function greeterLayer(marker: string): Promise<Buffer> {
  return buildZip({
    'nodejs/node_modules/greeter/package.json': '{ "name": "greeter", "main": "index.js" }\n',
    'nodejs/node_modules/greeter/index.js': `exports.greet = () => 'hello from ${marker}';\n`,
    'python/greeter.py': `def greet():\n    return 'hello from ${marker}'\n`,
  });
}

const cjsHandler = () =>
  buildZip({
    'index.js': `const { greet } = require('greeter');\nexports.handler = async () => ({ greeting: greet(), resolved: require.resolve('greeter') });\n`,
  });
const esmHandler = () =>
  buildZip({
    'index.mjs': `import { greet } from 'greeter';\nexport const handler = async () => ({ greeting: greet() });\n`,
  });
const pyHandler = () =>
  buildZip({
    'app.py':
      'import greeter\n\ndef handler(event, context):\n    return {"greeting": greeter.greet(), "file": greeter.__file__}\n',
  });

describe('Layers (SDK v3, AWS CLI)', { timeout: 280_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const layer = uniqueName('greeter');
  let v1: PublishLayerVersionCommandOutput;
  let v2: PublishLayerVersionCommandOutput;

  const publish = async (name: string, zip: Buffer, runtimes: Runtime[] = ['nodejs20.x', 'nodejs22.x', 'python3.12']) =>
    client.send(
      new PublishLayerVersionCommand({
        LayerName: name,
        Content: { ZipFile: zip },
        CompatibleRuntimes: runtimes,
        Description: `${name} layer`,
        LicenseInfo: 'MIT',
      }),
    );

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    v1 = await publish(layer, await greeterLayer('v1'));
    v2 = await publish(layer, await greeterLayer('v2'));
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('publishes versions 1 and 2 and reads them back by name, by ARN and in the lists', async () => {
    assert.equal(v1.Version, 1);
    assert.equal(v2.Version, 2);
    assert.equal(v2.LayerArn, `${ACCOUNT}:layer:${layer}`);
    assert.equal(v2.LayerVersionArn, `${ACCOUNT}:layer:${layer}:2`);
    assert.deepEqual(v2.CompatibleRuntimes, ['nodejs20.x', 'nodejs22.x', 'python3.12']);
    assert.equal(v2.LicenseInfo, 'MIT');
    assert.match(v2.CreatedDate ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    const zip = await greeterLayer('v1');
    assert.equal(v1.Content?.CodeSha256, createHash('sha256').update(zip).digest('base64'));
    assert.equal(v1.Content?.CodeSize, zip.length);
    // Content.Location downloads the archive without credentials, like the presigned S3 URL.
    const download = await fetch(v1.Content?.Location ?? '');
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), zip);

    const got = await client.send(new GetLayerVersionCommand({ LayerName: layer, VersionNumber: 1 }));
    assert.equal(got.LayerVersionArn, v1.LayerVersionArn);
    assert.equal(got.Description, `${layer} layer`);
    const byArn = await client.send(new GetLayerVersionByArnCommand({ Arn: v2.LayerVersionArn }));
    assert.equal(byArn.Version, 2);
    const byLayerArn = await client.send(new GetLayerVersionCommand({ LayerName: v2.LayerArn, VersionNumber: 2 }));
    assert.equal(byLayerArn.Content?.CodeSha256, v2.Content?.CodeSha256);

    const versions = await client.send(new ListLayerVersionsCommand({ LayerName: layer }));
    assert.deepEqual(
      versions.LayerVersions?.map((v) => v.Version),
      [2, 1],
    );
    const paged = await client.send(new ListLayerVersionsCommand({ LayerName: layer, MaxItems: 1 }));
    assert.deepEqual(
      paged.LayerVersions?.map((v) => v.Version),
      [2],
    );
    const rest = await client.send(new ListLayerVersionsCommand({ LayerName: layer, Marker: paged.NextMarker }));
    assert.deepEqual(
      rest.LayerVersions?.map((v) => v.Version),
      [1],
    );
    assert.equal(rest.NextMarker, undefined);

    const listed = await client.send(new ListLayersCommand({ CompatibleRuntime: 'nodejs20.x' }));
    const entry = listed.Layers?.find((l) => l.LayerName === layer);
    assert.equal(entry?.LatestMatchingVersion?.Version, 2);
    const none = await client.send(new ListLayersCommand({ CompatibleRuntime: 'java21' }));
    assert.equal(
      none.Layers?.find((l) => l.LayerName === layer),
      undefined,
    );
    await expectLambdaError(client.send(new GetLayerVersionCommand({ LayerName: layer, VersionNumber: 9 })), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'The resource you requested does not exist.',
    });
  });

  it('a CommonJS handler requires a package from the layer, and GetFunction shows the layer', async () => {
    const fn = uniqueName('layer-cjs');
    const created = await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await cjsHandler() },
      Layers: [v1.LayerVersionArn ?? ''],
    });
    assert.deepEqual(created.Layers, [{ Arn: v1.LayerVersionArn, CodeSize: v1.Content?.CodeSize }]);
    const out = await invokeOk<{ greeting: string; resolved: string }>(client, fn);
    assert.equal(out.greeting, 'hello from v1');
    assert.match(out.resolved, /nodejs\/node_modules\/greeter\/index\.js$/);
    const got = await client.send(new GetFunctionCommand({ FunctionName: fn }));
    assert.deepEqual(got.Configuration?.Layers, [{ Arn: v1.LayerVersionArn, CodeSize: v1.Content?.CodeSize }]);
  });

  it('an ES module handler imports the package, with the layer named without a version (latest)', async () => {
    const fn = uniqueName('layer-esm');
    const created = await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await esmHandler() },
      Layers: [layer],
    });
    assert.deepEqual(
      created.Layers?.map((l) => l.Arn),
      [`${ACCOUNT}:layer:${layer}:2`],
    );
    assert.equal((await invokeOk<{ greeting: string }>(client, fn)).greeting, 'hello from v2');
  });

  it('a Python handler imports a module from /opt/python', async () => {
    const fn = uniqueName('layer-py');
    await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'python3.12',
      Handler: 'app.handler',
      Code: { ZipFile: await pyHandler() },
      Layers: [`${ACCOUNT}:layer:${layer}:1`],
    });
    const out = await invokeOk<{ greeting: string; file: string }>(client, fn);
    assert.equal(out.greeting, 'hello from v1');
    assert.match(out.file, /python\/greeter\.py$/);
  });

  it('merges layers in order: a later layer overwrites the same file of an earlier one', async () => {
    const override = uniqueName('override');
    const published = await publish(
      override,
      await buildZip({ 'nodejs/node_modules/greeter/index.js': "exports.greet = () => 'hello from the override';\n" }),
    );
    const fn = uniqueName('layer-order');
    await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await cjsHandler() },
      Layers: [v1.LayerVersionArn ?? '', published.LayerVersionArn ?? ''],
    });
    assert.equal((await invokeOk<{ greeting: string }>(client, fn)).greeting, 'hello from the override');
    // Reversed, the greeter layer wins; the new configuration gets new sandboxes.
    await updateConfigurationAndWait(client, {
      FunctionName: fn,
      Layers: [published.LayerVersionArn ?? '', v1.LayerVersionArn ?? ''],
    });
    assert.equal((await invokeOk<{ greeting: string }>(client, fn)).greeting, 'hello from v1');
  });

  it('an unversioned layer resolves to the latest version when the configuration is saved or a version published', async () => {
    const name = uniqueName('floating');
    await publish(name, await greeterLayer('f1'));
    const fn = uniqueName('layer-floating');
    const created = await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await cjsHandler() },
      Layers: [`${ACCOUNT}:layer:${name}`],
    });
    assert.deepEqual(
      created.Layers?.map((l) => l.Arn),
      [`${ACCOUNT}:layer:${name}:1`],
    );
    await publish(name, await greeterLayer('f2'));
    // $LATEST keeps what was resolved when it was saved …
    assert.equal((await invokeOk<{ greeting: string }>(client, fn)).greeting, 'hello from f1');
    // … a published version resolves again and keeps that version.
    const version = await client.send(new PublishVersionCommand({ FunctionName: fn }));
    assert.deepEqual(
      version.Layers?.map((l) => l.Arn),
      [`${ACCOUNT}:layer:${name}:2`],
    );
    await publish(name, await greeterLayer('f3'));
    const ran = await client.send(
      new InvokeCommand({ FunctionName: fn, Qualifier: version.Version, Payload: Buffer.from('{}') }),
    );
    assert.equal(JSON.parse(Buffer.from(ran.Payload ?? []).toString()).greeting, 'hello from f2');
    const frozen = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: '1' }));
    assert.deepEqual(
      frozen.Layers?.map((l) => l.Arn),
      [`${ACCOUNT}:layer:${name}:2`],
    );
    // Saving the configuration again moves $LATEST to the newest version.
    const saved = await updateConfigurationAndWait(client, { FunctionName: fn, Layers: [name] });
    assert.deepEqual(
      saved.Layers?.map((l) => l.Arn),
      [`${ACCOUNT}:layer:${name}:3`],
    );
    assert.equal((await invokeOk<{ greeting: string }>(client, fn)).greeting, 'hello from f3');
  });

  it('refuses unknown layer versions, more than 5 layers and a layer of another runtime', async () => {
    const create = (layers: string[], runtime: Runtime = 'nodejs20.x') =>
      client.send(
        new CreateFunctionCommand({
          FunctionName: uniqueName('layer-bad'),
          Role: TEST_ROLE,
          Runtime: runtime,
          Handler: 'index.handler',
          Code: { ZipFile: Buffer.from('not used') },
          Layers: layers,
        }),
      );
    await expectLambdaError(create([`${ACCOUNT}:layer:${layer}:7`]), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: `Layer version ${ACCOUNT}:layer:${layer}:7 does not exist.`,
    });
    await expectLambdaError(create(Array.from({ length: 6 }, () => v1.LayerVersionArn ?? '')), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: 'Cannot reference more than 5 layers.',
    });
    const pyOnly = await publish(uniqueName('py-only'), await greeterLayer('py'), ['python3.12']);
    const fn = uniqueName('layer-incompatible');
    await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await cjsHandler() },
    });
    await expectLambdaError(
      updateConfigurationAndWait(client, { FunctionName: fn, Layers: [pyOnly.LayerVersionArn ?? ''] }),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message: `Layer version ${pyOnly.LayerVersionArn} is not compatible with the runtime nodejs20.x. Its compatible runtimes are [python3.12].`,
      },
    );
    const unchanged = await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    assert.equal(unchanged.Layers, undefined);
  });

  it('deletes a layer version: gone for new functions, still there for the functions using it', async () => {
    const name = uniqueName('doomed');
    const doomed = await publish(name, await greeterLayer('doomed'));
    const fn = uniqueName('layer-keeps');
    await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await cjsHandler() },
      Layers: [doomed.LayerVersionArn ?? ''],
    });
    const deleted = await client.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: 1 }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await expectLambdaError(client.send(new GetLayerVersionCommand({ LayerName: name, VersionNumber: 1 })), {
      name: 'ResourceNotFoundException',
      status: 404,
    });
    // A new configuration (new sandboxes) of the function still runs the deleted layer version.
    await updateConfigurationAndWait(client, { FunctionName: fn, Environment: { Variables: { AFTER: 'delete' } } });
    assert.equal((await invokeOk<{ greeting: string }>(client, fn)).greeting, 'hello from doomed');
    await expectLambdaError(
      updateConfigurationAndWait(client, { FunctionName: fn, Layers: [doomed.LayerVersionArn ?? ''] }),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message: `Layer version ${doomed.LayerVersionArn} does not exist.`,
      },
    );
    const again = await publish(name, await greeterLayer('again'));
    assert.equal(again.Version, 2, 'a deleted version number is never reused');
  });

  it('adds, shows and removes a layer version permission', async () => {
    const added = await client.send(
      new AddLayerVersionPermissionCommand({
        LayerName: layer,
        VersionNumber: 1,
        StatementId: 'xaccount',
        Action: 'lambda:GetLayerVersion',
        Principal: '210987654321',
      }),
    );
    assert.deepEqual(JSON.parse(added.Statement ?? ''), {
      Sid: 'xaccount',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::210987654321:root' },
      Action: 'lambda:GetLayerVersion',
      Resource: v1.LayerVersionArn,
    });
    const policy = await client.send(new GetLayerVersionPolicyCommand({ LayerName: layer, VersionNumber: 1 }));
    assert.equal(policy.RevisionId, added.RevisionId);
    assert.equal((JSON.parse(policy.Policy ?? '') as { Statement: unknown[] }).Statement.length, 1);
    await expectLambdaError(
      client.send(
        new AddLayerVersionPermissionCommand({
          LayerName: layer,
          VersionNumber: 1,
          StatementId: 'xaccount',
          Action: 'lambda:GetLayerVersion',
          Principal: '*',
        }),
      ),
      { name: 'ResourceConflictException', status: 409 },
    );
    await expectLambdaError(
      client.send(
        new RemoveLayerVersionPermissionCommand({
          LayerName: layer,
          VersionNumber: 1,
          StatementId: 'xaccount',
          RevisionId: 'stale',
        }),
      ),
      { name: 'PreconditionFailedException', status: 412 },
    );
    await client.send(
      new RemoveLayerVersionPermissionCommand({ LayerName: layer, VersionNumber: 1, StatementId: 'xaccount' }),
    );
    await expectLambdaError(client.send(new GetLayerVersionPolicyCommand({ LayerName: layer, VersionNumber: 1 })), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'No policy is associated with the given resource.',
    });
  });

  const cliMissing = awsCliMissing();
  it('the AWS CLI publishes, lists, gets and deletes a layer version', { skip: cliMissing }, async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'hearth-layer-cli-'));
    try {
      writeFileSync(path.join(work, 'layer.zip'), await greeterLayer('cli'));
      const name = uniqueName('cli-layer');
      const run = async (args: string[]) => {
        const result = await aws(server, ['lambda', ...args], work);
        assert.equal(result.code, 0, describeRun(result));
        return result.stdout === '' ? {} : (JSON.parse(result.stdout) as Record<string, unknown>);
      };
      const published = await run([
        'publish-layer-version',
        '--layer-name',
        name,
        '--zip-file',
        'fileb://layer.zip',
        '--compatible-runtimes',
        'nodejs20.x',
        'python3.12',
        '--compatible-architectures',
        'x86_64',
      ]);
      assert.equal(published['Version'], 1);
      assert.deepEqual(published['CompatibleArchitectures'], ['x86_64']);
      const listed = await run(['list-layers', '--compatible-runtime', 'python3.12']);
      assert.ok((listed['Layers'] as Array<{ LayerName: string }>).some((l) => l.LayerName === name));
      const versions = await run(['list-layer-versions', '--layer-name', name]);
      assert.equal((versions['LayerVersions'] as unknown[]).length, 1);
      const got = await run(['get-layer-version-by-arn', '--arn', `${ACCOUNT}:layer:${name}:1`]);
      assert.equal(got['LayerVersionArn'], `${ACCOUNT}:layer:${name}:1`);
      await run(['delete-layer-version', '--layer-name', name, '--version-number', '1']);
      const missing = await aws(
        server,
        ['lambda', 'get-layer-version', '--layer-name', name, '--version-number', '1'],
        work,
      );
      assert.equal(missing.code, 254, describeRun(missing));
      assert.match(missing.stderr, /ResourceNotFoundException/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
