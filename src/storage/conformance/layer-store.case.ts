// The LayerStore conformance suite: every backend registers it and must pass it unchanged.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { LayerVersionRecord } from '../../control-plane/layer-record.js';
import type { Storage } from '../ports.js';

function layer(overrides: Partial<Omit<LayerVersionRecord, 'version'>> = {}): Omit<LayerVersionRecord, 'version'> {
  return {
    layerName: 'shared',
    description: '',
    compatibleRuntimes: ['nodejs20.x'],
    compatibleArchitectures: [],
    codeSha256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
    codeSize: 100,
    unzippedSize: 300,
    createdDate: '2024-01-01T00:00:00.000+0000',
    policy: { revisionId: 'p-1', statements: [] },
    ...overrides,
  };
}

export function layerStoreConformance(name: string, open: () => Promise<Storage> | Storage): void {
  void describe(`LayerStore conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    void it('numbers versions 1, 2, 3 per layer and keeps each as published', async () => {
      const one = await storage.layers.publishLayerVersion(layer({ description: 'first' }));
      const two = await storage.layers.publishLayerVersion(layer({ description: 'second', licenseInfo: 'MIT' }));
      const other = await storage.layers.publishLayerVersion(layer({ layerName: 'other' }));
      assert.deepEqual([one.version, two.version, other.version], [1, 2, 1]);
      assert.equal((await storage.layers.getLayerVersion('shared', 1))?.description, 'first');
      assert.equal((await storage.layers.getLayerVersion('shared', 2))?.licenseInfo, 'MIT');
      assert.equal(await storage.layers.getLayerVersion('shared', 3), undefined);
      assert.equal(await storage.layers.getLayerVersion('missing', 1), undefined);
    });

    void it('never reuses a deleted number, even when every version was deleted', async () => {
      await storage.layers.publishLayerVersion(layer());
      await storage.layers.publishLayerVersion(layer());
      assert.equal(await storage.layers.deleteLayerVersion('shared', 2), true);
      assert.equal(await storage.layers.deleteLayerVersion('shared', 2), false);
      assert.equal(await storage.layers.deleteLayerVersion('shared', 1), true);
      assert.deepEqual(await storage.layers.listLayerNames(undefined, 10), []);
      assert.equal((await storage.layers.publishLayerVersion(layer())).version, 3);
    });

    void it('lists versions newest first, paged below a version number', async () => {
      for (let i = 0; i < 5; i += 1) await storage.layers.publishLayerVersion(layer());
      const numbers = async (below: number | undefined, limit: number) =>
        (await storage.layers.listLayerVersions('shared', below, limit)).map((r) => r.version);
      assert.deepEqual(await numbers(undefined, 2), [5, 4]);
      assert.deepEqual(await numbers(4, 2), [3, 2]);
      assert.deepEqual(await numbers(2, 10), [1]);
      assert.deepEqual(await storage.layers.listLayerVersions('missing', undefined, 10), []);
    });

    void it('lists layer names in order, each once, paged after a name', async () => {
      for (const layerName of ['b', 'a', 'c', 'a']) await storage.layers.publishLayerVersion(layer({ layerName }));
      assert.deepEqual(await storage.layers.listLayerNames(undefined, 2), ['a', 'b']);
      assert.deepEqual(await storage.layers.listLayerNames('b', 10), ['c']);
    });

    void it('swaps the policy only from the expected revision', async () => {
      await storage.layers.publishLayerVersion(layer());
      const next = { revisionId: 'p-2', statements: [{ sid: 's1', action: 'lambda:GetLayerVersion', principal: '*' }] };
      assert.equal(await storage.layers.replaceLayerPolicy('shared', 1, 'stale', next), false);
      assert.equal(await storage.layers.replaceLayerPolicy('shared', 1, 'p-1', next), true);
      assert.equal(await storage.layers.replaceLayerPolicy('shared', 1, 'p-1', next), false);
      assert.equal(await storage.layers.replaceLayerPolicy('shared', 9, 'p-2', next), false);
      assert.deepEqual((await storage.layers.getLayerVersion('shared', 1))?.policy, next);
    });
  });
}
