// The function, tag, account-settings and code-download routes behind the real API server,
// driven by the AWS SDK for JavaScript v3 as users drive them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import yazl from 'yazl';
import { CodeStore } from '../../code-store/code-store.js';
import { CodeUrlSigner } from '../../control-plane/code-url-signer.js';
import { FunctionService } from '../../control-plane/function-service.js';
import { createMemoryStorage } from '../../storage/memory/memory-storage.js';
import { createApiServer } from '../server.js';
import { accountSettingsRoutes } from './account-settings.js';
import { codeDownloadRoutes } from './code-download.js';
import { functionRoutes } from './functions.js';
import { tagRoutes } from './tags.js';

const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';

async function zipOf(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function sdkError(
  promise: Promise<unknown>,
): Promise<Error & { name: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string; $metadata: { httpStatusCode?: number } };
  }
  assert.fail('expected the call to fail');
}

describe('function routes through the AWS SDK', () => {
  let dir: string;
  let server: ReturnType<typeof createApiServer>;
  let client: LambdaClient;
  let service: FunctionService;
  let endpoint: string;
  let clock = Date.now();
  const deleted: string[] = [];
  let zip: Buffer;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-cp-routes-'));
    const storage = createMemoryStorage({ logRetentionEvents: 100 });
    const code = await CodeStore.open(path.join(dir, 'code'));
    const account = { region: 'us-east-1', accountId: '000000000000' };
    service = new FunctionService({
      store: storage.functions,
      code,
      account,
      supportedRuntimes: ['nodejs20.x', 'nodejs22.x', 'python3.12'],
      checkRuntime: async () => undefined,
      onDeleted: (name) => void deleted.push(name),
    });
    const codeUrls = CodeUrlSigner.fromSecret('operator-secret', { now: () => clock });
    server = createApiServer({
      routes: [
        ...functionRoutes(service, codeUrls),
        ...tagRoutes(service.tags),
        ...accountSettingsRoutes(service),
        ...codeDownloadRoutes(code, codeUrls),
      ],
      credentials: { lookup: (id) => (id === 'AKID' ? { accessKeyId: 'AKID', secretAccessKey: 'SECRET' } : undefined) },
      region: 'us-east-1',
      log: () => {},
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new LambdaClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'SECRET' },
    });
    zip = await zipOf({ 'index.js': 'exports.handler = async () => "hi";' });
  });

  after(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const create = (name: string, extra: Partial<CreateFunctionCommandInput> = {}) =>
    client.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: ROLE,
        Code: { ZipFile: zip },
        ...extra,
      }),
    );

  it('create → get → list → stale update (412) → delete → get (404)', async () => {
    const created = await create('sdk-fn', { Environment: { Variables: { GREETING: 'hi' } }, Tags: { team: 'core' } });
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.State, 'Pending');
    assert.equal(created.StateReasonCode, 'Creating');
    assert.equal(created.LastUpdateStatus, 'InProgress');
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:sdk-fn');
    assert.equal(created.Version, '$LATEST');
    assert.equal(created.MemorySize, 128);
    assert.equal(created.Timeout, 3);
    assert.equal(created.PackageType, 'Zip');
    assert.deepEqual(created.Architectures, ['x86_64']);
    assert.deepEqual(created.EphemeralStorage, { Size: 512 });
    assert.deepEqual(created.Environment, { Variables: { GREETING: 'hi' } });
    assert.deepEqual(created.LoggingConfig, { LogFormat: 'Text', LogGroup: '/aws/lambda/sdk-fn' });
    assert.match(created.LastModified ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    await service.settled();

    const got = await client.send(new GetFunctionCommand({ FunctionName: 'sdk-fn' }));
    assert.equal(got.Configuration?.State, 'Active');
    assert.equal(got.Configuration?.LastUpdateStatus, 'Successful');
    assert.equal(got.Configuration?.StateReason, undefined);
    assert.deepEqual(got.Tags, { team: 'core' });
    assert.equal(got.Code?.RepositoryType, 'S3');
    assert.ok(got.Code?.Location?.startsWith(`${endpoint}/hearth/code/`));
    const download = await fetch(got.Code?.Location ?? '');
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), zip);

    const listed = await client.send(new ListFunctionsCommand({}));
    const entry = listed.Functions?.find((f) => f.FunctionName === 'sdk-fn');
    assert.equal(entry?.CodeSha256, got.Configuration?.CodeSha256);
    assert.equal(entry?.State, undefined); // ListFunctions leaves the state fields out, as AWS does

    const stale = await sdkError(
      client.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'sdk-fn', Timeout: 30, RevisionId: created.RevisionId }),
      ),
    );
    assert.equal(stale.name, 'PreconditionFailedException');
    assert.equal(stale.$metadata.httpStatusCode, 412);

    const deletedResponse = await client.send(new DeleteFunctionCommand({ FunctionName: 'sdk-fn' }));
    assert.equal(deletedResponse.$metadata.httpStatusCode, 204);
    assert.deepEqual(deleted, ['sdk-fn']);
    const missing = await sdkError(client.send(new GetFunctionCommand({ FunctionName: 'sdk-fn' })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    assert.equal(missing.$metadata.httpStatusCode, 404);
    assert.equal(missing.message, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:sdk-fn');
  });

  it('updates configuration and code under fresh revisions', async () => {
    await create('sdk-update');
    await service.settled();
    const current = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'sdk-update' }));
    const updated = await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'sdk-update',
        MemorySize: 1024,
        Environment: { Variables: { MODE: 'fast' } },
        RevisionId: current.RevisionId,
      }),
    );
    assert.equal(updated.MemorySize, 1024);
    assert.equal(updated.LastUpdateStatus, 'InProgress');
    assert.notEqual(updated.RevisionId, current.RevisionId);
    await service.settled();
    const newZip = await zipOf({ 'index.js': 'exports.handler = async () => "v2";' });
    const code = await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'sdk-update', ZipFile: newZip }));
    assert.equal(code.CodeSize, newZip.length);
    assert.notEqual(code.CodeSha256, current.CodeSha256);
    await service.settled();
    const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'sdk-update' }));
    assert.equal(after.LastUpdateStatus, 'Successful');
    assert.deepEqual(after.Environment, { Variables: { MODE: 'fast' } });
  });

  it('answers bad input with AWS error names and messages', async () => {
    const memory = await sdkError(create('sdk-bad', { MemorySize: 127 }));
    assert.equal(memory.name, 'ValidationException');
    assert.equal(
      memory.message,
      "1 validation error detected: Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    );
    const runtime = await sdkError(create('sdk-bad', { Runtime: 'java21' }));
    assert.equal(runtime.name, 'InvalidParameterValueException');
    assert.match(runtime.message, /java21 is not supported by Hearth/);
    const notZip = await sdkError(create('sdk-bad', { Code: { ZipFile: Buffer.from('not a zip') } }));
    assert.equal(notZip.name, 'InvalidParameterValueException');
    assert.equal(notZip.message, 'Could not unzip uploaded file. Please check your file, then try to upload again.');
    const wrongType = await sdkError(create('sdk-bad', { MemorySize: 'abc' as unknown as number }));
    assert.equal(wrongType.name, 'InvalidRequestContentException');
    assert.match(wrongType.message, /^Could not parse request body into json: .*MemorySize/);
    await create('sdk-dup');
    const duplicate = await sdkError(create('sdk-dup'));
    assert.equal(duplicate.name, 'ResourceConflictException');
    assert.equal(duplicate.message, 'Function already exist: sdk-dup');
    await service.settled();
  });

  it('tags a function and reports account settings', async () => {
    await create('sdk-tags');
    await service.settled();
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:sdk-tags';
    const tagged = await client.send(new TagResourceCommand({ Resource: arn, Tags: { a: '1', b: '2' } }));
    assert.equal(tagged.$metadata.httpStatusCode, 204);
    await client.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['a'] }));
    assert.deepEqual((await client.send(new ListTagsCommand({ Resource: arn }))).Tags, { b: '2' });
    const unknown = await sdkError(client.send(new ListTagsCommand({ Resource: `${arn}-nope` })));
    assert.equal(unknown.name, 'ResourceNotFoundException');

    const settings = await client.send(new GetAccountSettingsCommand({}));
    assert.equal(settings.AccountLimit?.CodeSizeUnzipped, 262144000);
    assert.equal(settings.AccountLimit?.ConcurrentExecutions, 1000);
    const all = await client.send(new ListFunctionsCommand({}));
    assert.equal(settings.AccountUsage?.FunctionCount, all.Functions?.length);
  });

  it('serves code only to untampered, unexpired links', async () => {
    await create('sdk-code');
    await service.settled();
    const location = (await client.send(new GetFunctionCommand({ FunctionName: 'sdk-code' }))).Code?.Location ?? '';
    const url = new URL(location);
    url.searchParams.set('Expires', String(Number(url.searchParams.get('Expires')) + 3600));
    const tampered = await fetch(url);
    assert.equal(tampered.status, 403);
    assert.equal(tampered.headers.get('x-amzn-errortype'), 'AccessDeniedException');
    clock += 11 * 60 * 1000;
    const expired = await fetch(location);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /Request has expired/);
  });
});
