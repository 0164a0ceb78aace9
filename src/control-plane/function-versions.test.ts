// Versions, aliases and reserved concurrency through FunctionService, on the in-memory store.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { LambdaError } from '../errors/lambda-error.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import { FunctionService } from './function-service.js';
import { LATEST } from './function-record.js';

const ACCOUNT = { region: 'us-east-1', accountId: '000000000000' };
const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

async function setup(limits?: { accountConcurrency: number; minimumUnreserved: number }) {
  const storage = createMemoryStorage({ logRetentionEvents: 100 });
  const service = new FunctionService({
    store: storage.functions,
    code: {
      put: async (zip) => ({ codeSha256: createHash('sha256').update(zip).digest('base64'), codeSize: zip.length }),
    },
    account: ACCOUNT,
    supportedRuntimes: ['nodejs20.x'],
    checkRuntime: async () => undefined,
    ...(limits ? { concurrencyLimits: limits } : {}),
  });
  await create(service, 'f');
  return service;
}

async function create(service: FunctionService, name: string, publish = false) {
  const record = await service.create({
    functionName: name,
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    role: 'arn:aws:iam::000000000000:role/r',
    code: { zipFile: Buffer.from('v1') },
    publish,
  });
  await service.settled();
  return record;
}

async function rejection(promise: Promise<unknown>): Promise<LambdaError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof LambdaError, String(error));
  return error;
}

describe('versions', () => {
  it('publishes 1, returns 1 again while nothing changed, and 2 after a change', async () => {
    const service = await setup();
    const one = await service.versions.publish('f', { description: 'first' });
    assert.deepEqual([one.version, one.description, one.state], ['1', 'first', 'Active']);
    assert.equal((await service.versions.publish('f', {})).version, '1');
    await service.updateConfiguration('f', { timeout: 9 });
    await service.settled();
    const two = await service.versions.publish('f', {});
    assert.deepEqual([two.version, two.timeout], ['2', 9]);
    assert.equal((await service.get('f', '1')).timeout, 3, 'a version never changes');
  });

  it('checks the CodeSha256 and RevisionId preconditions', async () => {
    const service = await setup();
    const latest = await service.get('f');
    const sha = await rejection(service.versions.publish('f', { codeSha256: 'abc' }));
    assert.equal(
      sha.message,
      `CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST (${latest.codeSha256}). Please try again with the current CodeSHA256.`,
    );
    assert.equal((await rejection(service.versions.publish('f', { revisionId: 'stale' }))).status, 412);
    assert.equal((await service.versions.publish('f', { codeSha256: latest.codeSha256 })).version, '1');
  });

  it('Publish on create answers with version 1; versions list $LATEST first, paged', async () => {
    const service = await setup();
    const created = await create(service, 'p', true);
    assert.equal(created.version, '1');
    assert.equal((await service.get('p', '1')).state, 'Active', 'the version is activated too');
    await service.updateCode('p', { code: { zipFile: Buffer.from('v2') }, publish: true });
    await service.settled();
    const first = await service.versions.list('p', { maxItems: 2 });
    assert.deepEqual(
      first.versions.map((v) => v.version),
      [LATEST, '1'],
    );
    const rest = await service.versions.list('p', { marker: first.nextMarker });
    assert.deepEqual(
      rest.versions.map((v) => v.version),
      ['2'],
    );
    assert.equal(rest.nextMarker, undefined);
  });

  it('deletes one version; unknown versions are 404 with the qualified ARN', async () => {
    const service = await setup();
    await service.versions.publish('f', {});
    await service.delete('f', '1');
    assert.equal((await rejection(service.get('f', '1'))).message, `Function not found: ${ARN}:f:1`);
    assert.equal((await rejection(service.delete('f', '7'))).message, `Function not found: ${ARN}:f:7`);
    assert.ok(await service.get('f'));
  });
});

describe('aliases', () => {
  it('creates, resolves, updates with a RevisionId precondition, lists and deletes', async () => {
    const service = await setup();
    await service.versions.publish('f', {});
    const live = await service.aliases.create('f', { name: 'live', functionVersion: '1' });
    assert.equal(
      (await rejection(service.aliases.create('f', { name: 'live', functionVersion: '1' }))).message,
      `Alias already exists: ${ARN}:f:live`,
    );
    const resolved = await service.resolve('f', 'live');
    assert.deepEqual([resolved.record.version, resolved.qualifier], ['1', 'live']);
    assert.equal((await rejection(service.aliases.update('f', 'live', { revisionId: 'old' }))).status, 412);
    const moved = await service.aliases.update('f', 'live', { functionVersion: LATEST, revisionId: live.revisionId });
    assert.equal(moved.functionVersion, LATEST);
    assert.deepEqual((await service.aliases.list('f', { functionVersion: '1' })).aliases, []);
    await service.aliases.delete('f', 'live');
    assert.equal((await rejection(service.aliases.get('f', 'live'))).message, `Cannot find alias arn: ${ARN}:f:live`);
  });

  it('refuses bad names, unknown versions and routing Lambda does not allow', async () => {
    const service = await setup();
    await service.versions.publish('f', {});
    assert.equal(
      (await rejection(service.aliases.create('f', { name: '123', functionVersion: '1' }))).code,
      'ValidationException',
    );
    assert.equal(
      (await rejection(service.aliases.create('f', { name: 'a', functionVersion: '4' }))).message,
      `Function not found: ${ARN}:f:4`,
    );
    const same = await rejection(
      service.aliases.create('f', { name: 'a', functionVersion: '1', additionalVersionWeights: { '1': 0.5 } }),
    );
    assert.match(same.message, /already included in routing configuration/);
    const heavy = await rejection(
      service.aliases.create('f', { name: 'a', functionVersion: '1', additionalVersionWeights: { '2': 1.5 } }),
    );
    assert.equal(heavy.code, 'ValidationException');
  });

  it('a version an alias uses cannot be deleted', async () => {
    const service = await setup();
    await service.versions.publish('f', {});
    await service.aliases.create('f', { name: 'live', functionVersion: '1' });
    assert.equal((await rejection(service.delete('f', '1'))).status, 409);
  });
});

describe('reserved concurrency', () => {
  it('A28: a reservation may not leave fewer than the minimum unreserved', async () => {
    const service = await setup({ accountConcurrency: 1000, minimumUnreserved: 100 });
    await create(service, 'g');
    assert.equal(await service.concurrency.put('f', 900), 900);
    const error = await rejection(service.concurrency.put('g', 1));
    assert.equal(
      error.message,
      "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
    );
    const settings = await service.accountSettings();
    assert.deepEqual(
      [settings.AccountLimit.ConcurrentExecutions, settings.AccountLimit.UnreservedConcurrentExecutions],
      [1000, 100],
    );
    await service.concurrency.delete('f');
    assert.equal(await service.concurrency.get('f'), undefined);
    assert.equal((await service.accountSettings()).AccountLimit.UnreservedConcurrentExecutions, 1000);
  });
});

describe('ListFunctions with FunctionVersion=ALL', () => {
  it('lists each function’s $LATEST then its versions, and pages through them with any MaxItems', async () => {
    const service = await setup();
    await create(service, 'g');
    for (const change of ['v2', 'v3']) {
      await service.updateCode('f', { code: { zipFile: Buffer.from(change) } });
      await service.settled();
      await service.versions.publish('f', {});
    }
    await service.versions.publish('g', {});
    const expected = ['f:$LATEST', 'f:1', 'f:2', 'g:$LATEST', 'g:1'];
    const all = await service.list({ allVersions: true });
    assert.deepEqual(
      all.functions.map((r) => `${r.name}:${r.version}`),
      expected,
    );
    assert.equal(all.nextMarker, undefined);
    for (const maxItems of [1, 2, 3, 4]) {
      const seen: string[] = [];
      let marker: string | undefined;
      do {
        const page = await service.list({ allVersions: true, maxItems, marker });
        assert.ok(page.functions.length <= maxItems);
        seen.push(...page.functions.map((r) => `${r.name}:${r.version}`));
        marker = page.nextMarker;
      } while (marker !== undefined);
      assert.deepEqual(seen, expected, `MaxItems ${maxItems}`);
    }
    // Without ALL, only $LATEST.
    assert.deepEqual(
      (await service.list()).functions.map((r) => r.version),
      [LATEST, LATEST],
    );
  });
});
