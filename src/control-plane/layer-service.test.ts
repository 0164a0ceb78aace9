// LayerService on the in-memory store: paging with filters, names and ARNs, errors.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { LambdaError } from '../errors/lambda-error.js';
import { MemoryLayerStore } from '../storage/memory/memory-layer-store.js';
import { LayerService } from './layer-service.js';

const account = { region: 'us-east-1', accountId: '000000000000' };
const code = {
  async put(zip: Buffer) {
    return { codeSha256: createHash('sha256').update(zip).digest('base64'), codeSize: zip.length, unzippedSize: 1 };
  },
};
const publishInput = (runtimes: string[]) => ({
  zip: Buffer.from('zip'),
  description: '',
  licenseInfo: undefined,
  compatibleRuntimes: runtimes,
  compatibleArchitectures: [],
});

async function rejection(promise: Promise<unknown>): Promise<LambdaError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LambdaError);
    return error;
  }
  assert.fail('expected a rejection');
}

void describe('LayerService', () => {
  let service: LayerService;
  beforeEach(() => {
    service = new LayerService({ store: new MemoryLayerStore(), code, account });
  });

  void it('pages ListLayers by name, skipping layers with no matching version', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await service.publish(name, publishInput(name === 'b' || name === 'd' ? ['python3.12'] : ['nodejs20.x']));
    }
    await service.publish('c', publishInput(['python3.12'])); // c's latest is python-only; its v1 still matches
    const names = async (marker?: string) => {
      const page = await service.list({ compatibleRuntime: 'nodejs20.x', maxItems: 2, marker });
      return { names: page.items.map((r) => `${r.layerName}:${r.version}`), next: page.nextMarker };
    };
    const first = await names();
    assert.deepEqual(first.names, ['a:1', 'c:1']);
    const second = await names(first.next);
    assert.deepEqual(second, { names: ['e:1'], next: undefined });
    const all = await service.list({});
    assert.deepEqual(
      all.items.map((r) => `${r.layerName}:${r.version}`),
      ['a:1', 'b:1', 'c:2', 'd:1', 'e:1'],
    );
  });

  void it('pages ListLayerVersions newest first with a filter', async () => {
    for (const runtimes of [['nodejs20.x'], ['python3.12'], ['nodejs20.x'], ['nodejs20.x']]) {
      await service.publish('shared', publishInput(runtimes));
    }
    const first = await service.listVersions('shared', { compatibleRuntime: 'nodejs20.x', maxItems: 2 });
    assert.deepEqual(
      first.items.map((r) => r.version),
      [4, 3],
    );
    const rest = await service.listVersions('shared', { compatibleRuntime: 'nodejs20.x', marker: first.nextMarker });
    assert.deepEqual(
      rest.items.map((r) => r.version),
      [1],
    );
    assert.equal(rest.nextMarker, undefined);
  });

  void it('takes names and unversioned ARNs; refuses other accounts and malformed names', async () => {
    await service.publish('arn:aws:lambda:us-east-1:000000000000:layer:byarn', publishInput([]));
    assert.equal((await service.get('byarn', 1)).layerName, 'byarn');
    const foreign = await rejection(service.publish('arn:aws:lambda:us-east-1:111111111111:layer:x', publishInput([])));
    assert.equal(foreign.code, 'InvalidParameterValueException');
    assert.equal((await rejection(service.get('bad name', 1))).code, 'ValidationException');
    assert.equal(
      (await rejection(service.getByArn('arn:aws:lambda:us-east-1:000000000000:layer:byarn'))).code,
      'ValidationException',
    );
    assert.equal((await rejection(service.get('arn:aws:lambda:eu-west-1:000000000000:layer:byarn', 1))).status, 404);
    assert.equal((await rejection(service.list({ maxItems: 51 }))).code, 'ValidationException');
    assert.equal((await rejection(service.list({ compatibleRuntime: 'cobol' }))).code, 'ValidationException');
  });
});
