import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { errors, LambdaError } from '../errors/lambda-error.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import type { CreateFunctionInput } from './function-input.js';
import { FunctionService, type CodeArchives, type FunctionServiceDeps } from './function-service.js';
import { LATEST } from './function-record.js';

const ROLE = 'arn:aws:iam::123456789012:role/r';
const ACCOUNT = { region: 'us-east-1', accountId: '000000000000' };

/** Stands in for the code store: hashes what it is given and refuses archives that say "bad". */
class FakeCode implements CodeArchives {
  readonly stored: Buffer[] = [];
  async put(zip: Buffer) {
    if (zip.toString() === 'bad') throw errors.invalidZip();
    this.stored.push(zip);
    return { codeSha256: createHash('sha256').update(zip).digest('base64'), codeSize: zip.length };
  }
}

function setup(overrides: Partial<FunctionServiceDeps> = {}) {
  const storage = createMemoryStorage({ logRetentionEvents: 100 });
  const code = new FakeCode();
  const changed: string[] = [];
  const deleted: string[] = [];
  const service = new FunctionService({
    store: storage.functions,
    code,
    account: ACCOUNT,
    supportedRuntimes: ['nodejs20.x', 'python3.12'],
    checkRuntime: async () => undefined,
    onChanged: (name) => changed.push(name),
    onDeleted: (name) => void deleted.push(name),
    now: () => new Date('2026-11-22T10:15:30.123Z'),
    ...overrides,
  });
  return { service, store: storage.functions, code, changed, deleted };
}

function input(name: string, extra: Partial<CreateFunctionInput> = {}): CreateFunctionInput {
  return {
    functionName: name,
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    role: ROLE,
    code: { zipFile: Buffer.from(`zip of ${name}`) },
    ...extra,
  };
}

async function rejection(promise: Promise<unknown>): Promise<LambdaError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LambdaError, String(error));
    return error;
  }
  assert.fail('expected a rejection');
}

describe('FunctionService', () => {
  it('creates a function Pending, then activates it in the background', async () => {
    const { service, changed } = setup();
    const created = await service.create(input('hello', { environment: { GREETING: 'hi' } }));
    assert.equal(created.state, 'Pending');
    assert.equal(created.stateReason, 'The function is being created.');
    assert.equal(created.stateReasonCode, 'Creating');
    assert.equal(created.lastUpdateStatus, 'InProgress');
    assert.equal(created.lastModified, '2026-11-22T10:15:30.123+0000');
    assert.equal(created.codeSha256, createHash('sha256').update('zip of hello').digest('base64'));
    await service.settled();
    const active = await service.get('hello');
    assert.equal(active.state, 'Active');
    assert.equal(active.lastUpdateStatus, 'Successful');
    assert.equal(active.stateReason, undefined);
    assert.equal(active.stateReasonCode, undefined);
    assert.notEqual(active.revisionId, created.revisionId);
    assert.equal(active.lastModified, created.lastModified);
    assert.deepEqual(changed, ['hello', 'hello']);
  });

  it('marks the function Failed when its runtime cannot be launched here', async () => {
    const { service } = setup({ checkRuntime: async () => 'python3 was not found on this host' });
    await service.create(input('py', { runtime: 'python3.12' }));
    await service.settled();
    const failed = await service.get('py');
    assert.equal(failed.state, 'Failed');
    assert.equal(failed.stateReason, 'python3 was not found on this host');
    assert.equal(failed.stateReasonCode, 'InvalidRuntime');
    assert.equal(failed.lastUpdateStatus, 'Failed');
  });

  it('refuses a duplicate name with 409 and AWS wording, even when two creates race', async () => {
    const { service } = setup();
    const results = await Promise.allSettled([service.create(input('twin')), service.create(input('twin'))]);
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.equal(rejected.length, 1);
    const error = (rejected[0] as PromiseRejectedResult).reason as LambdaError;
    assert.equal(error.code, 'ResourceConflictException');
    assert.equal(error.status, 409);
    assert.equal(error.message, 'Function already exist: twin');
    await service.settled();
  });

  it('leaves no function behind when the archive is refused', async () => {
    const { service } = setup();
    const error = await rejection(service.create(input('broken', { code: { zipFile: Buffer.from('bad') } })));
    assert.equal(error.message, 'Could not unzip uploaded file. Please check your file, then try to upload again.');
    assert.equal((await rejection(service.get('broken'))).code, 'ResourceNotFoundException');
  });

  it('answers 404 with the ARN for unknown functions and unknown qualifiers', async () => {
    const { service } = setup();
    assert.equal(
      (await rejection(service.get('nope'))).message,
      'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
    );
    await service.create(input('there'));
    const error = await rejection(service.get('there', '1'));
    assert.equal(error.status, 404);
    assert.equal(error.message, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:there:1');
    assert.equal((await service.get('there', LATEST)).name, 'there');
    await service.settled();
  });

  it('lists in pages with an opaque marker', async () => {
    const { service } = setup();
    for (const name of ['e', 'b', 'd', 'a', 'c']) await service.create(input(name));
    const first = await service.list({ maxItems: 2 });
    assert.deepEqual(
      first.functions.map((f) => f.name),
      ['a', 'b'],
    );
    assert.ok(first.nextMarker && !first.nextMarker.includes('b'));
    const second = await service.list({ maxItems: 2, marker: first.nextMarker });
    assert.deepEqual(
      second.functions.map((f) => f.name),
      ['c', 'd'],
    );
    const last = await service.list({ maxItems: 2, marker: second.nextMarker });
    assert.deepEqual(
      last.functions.map((f) => f.name),
      ['e'],
    );
    assert.equal(last.nextMarker, undefined);
    assert.equal((await service.list()).functions.length, 5);
    assert.equal((await rejection(service.list({ marker: 'garbage' }))).code, 'InvalidParameterValueException');
    const tooFew = await rejection(service.list({ maxItems: 0 }));
    assert.equal(
      tooFew.message,
      "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await service.settled();
  });

  it('updates the configuration under a new revision, replacing the environment', async () => {
    // The runtime check waits for the gate, so the update stays InProgress until the test opens it.
    let open = () => {};
    let gate = Promise.resolve();
    const { service } = setup({ checkRuntime: () => gate.then(() => undefined) });
    await service.create(input('cfg', { environment: { OLD1: 'x', KEEP: 'y' } }));
    await service.settled();
    const before = await service.get('cfg');
    gate = new Promise<void>((resolve) => (open = resolve));
    const updated = await service.updateConfiguration('cfg', {
      memorySize: 512,
      environment: { NEW1: 'z' },
      revisionId: before.revisionId,
    });
    assert.equal(updated.memorySize, 512);
    assert.deepEqual(updated.environment, { NEW1: 'z' });
    assert.equal(updated.lastUpdateStatus, 'InProgress');
    assert.notEqual(updated.revisionId, before.revisionId);
    // A second update while the first is still in progress is refused.
    const busy = await rejection(service.updateConfiguration('cfg', { timeout: 10 }));
    assert.equal(busy.status, 409);
    assert.equal(
      busy.message,
      'The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:000000000000:function:cfg',
    );
    open();
    await service.settled();
    assert.equal((await service.get('cfg')).lastUpdateStatus, 'Successful');
  });

  it('refuses a stale RevisionId with 412 and changes nothing', async () => {
    const { service } = setup();
    const created = await service.create(input('rev'));
    await service.settled();
    const error = await rejection(service.updateConfiguration('rev', { timeout: 30, revisionId: created.revisionId }));
    assert.equal(error.code, 'PreconditionFailedException');
    assert.equal(error.status, 412);
    assert.equal((await service.get('rev')).timeout, 3);
  });

  it('lets exactly one of two racing updates win', async () => {
    const { service } = setup();
    await service.create(input('race'));
    await service.settled();
    const results = await Promise.allSettled([
      service.updateConfiguration('race', { timeout: 10 }),
      service.updateConfiguration('race', { timeout: 20 }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal((loser.reason as LambdaError).code, 'ResourceConflictException');
    await service.settled();
  });

  it('updates code (and leaves it alone on DryRun)', async () => {
    const { service, code } = setup();
    const created = await service.create(input('code'));
    await service.settled();
    const dry = await service.updateCode('code', { code: { zipFile: Buffer.from('v2') }, dryRun: true });
    assert.equal(dry.codeSha256, created.codeSha256);
    assert.equal(code.stored.length, 1);
    const updated = await service.updateCode('code', {
      code: { zipFile: Buffer.from('v2') },
      architectures: ['arm64'],
    });
    assert.equal(updated.codeSha256, createHash('sha256').update('v2').digest('base64'));
    assert.equal(updated.codeSize, 2);
    assert.deepEqual(updated.architectures, ['arm64']);
    await service.settled();
    assert.equal((await service.updateCode('code', { code: { zipFile: Buffer.from('v3') } })).codeSize, 2);
    await service.settled();
  });

  it('deletes a function and calls the hook; $LATEST alone cannot be deleted', async () => {
    const { service, deleted } = setup();
    await service.create(input('gone'));
    await service.settled();
    assert.equal(
      (await rejection(service.delete('gone', LATEST))).message,
      '$LATEST version cannot be deleted without deleting the function.',
    );
    assert.equal((await rejection(service.delete('gone', '1'))).status, 404);
    await service.delete('arn:aws:lambda:us-east-1:000000000000:function:gone');
    assert.deepEqual(deleted, ['gone']);
    assert.equal((await rejection(service.get('gone'))).status, 404);
    assert.equal(
      (await rejection(service.delete('gone'))).message,
      'Function not found: arn:aws:lambda:us-east-1:000000000000:function:gone',
    );
  });

  it('resumes functions a stop left InProgress', async () => {
    const first = setup({ checkRuntime: () => new Promise(() => {}) });
    await first.service.create(input('stuck'));
    const second = new FunctionService({
      store: first.store,
      code: first.code,
      account: ACCOUNT,
      supportedRuntimes: ['nodejs20.x'],
      checkRuntime: async () => undefined,
    });
    assert.equal(await second.resumePending(), 1);
    await second.settled();
    assert.equal((await second.get('stuck')).state, 'Active');
  });

  it('reports account usage', async () => {
    const { service } = setup();
    await service.create(input('one'));
    await service.create(input('two'));
    await service.settled();
    const settings = await service.accountSettings();
    assert.deepEqual(settings.AccountUsage, {
      TotalCodeSize: 'zip of one'.length + 'zip of two'.length,
      FunctionCount: 2,
    });
    assert.equal(settings.AccountLimit.CodeSizeZipped, 52428800);
  });

  it('tags, lists and untags a function by its ARN', async () => {
    const { service } = setup();
    await service.create(input('tagged', { tags: { a: '1' } }));
    await service.settled();
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:tagged';
    await service.tags.tag(arn, { b: '2' });
    assert.deepEqual(await service.tags.list(arn), { a: '1', b: '2' });
    await service.tags.untag(arn, ['a', 'missing']);
    assert.deepEqual(await service.tags.list(arn), { b: '2' });
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    assert.match(
      (await rejection(service.tags.tag(arn, many))).message,
      /at most 50 tags; this request would give it 51/,
    );
    assert.equal((await rejection(service.tags.list(`${arn}:1`))).code, 'InvalidParameterValueException');
    const unknown = await rejection(service.tags.list('arn:aws:lambda:us-east-1:000000000000:function:nobody'));
    assert.equal(unknown.message, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody');
    assert.equal((await rejection(service.tags.list('not-an-arn'))).code, 'ValidationException');
  });
});
