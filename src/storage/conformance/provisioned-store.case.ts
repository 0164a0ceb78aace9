// The ProvisionedConcurrencyStore conformance suite, with the committed-concurrency rules it
// shares with reservations: every backend must pass it.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ProvisionedConcurrencyRecord } from '../../control-plane/provisioned-concurrency-record.js';
import type { Storage } from '../ports.js';
import { sampleRecord } from './sample-record.js';

function config(overrides: Partial<ProvisionedConcurrencyRecord> = {}): ProvisionedConcurrencyRecord {
  return {
    functionName: 'hello',
    qualifier: '1',
    requested: 5,
    lastModified: '2026-01-01T00:00:00.000+0000',
    ...overrides,
  };
}

export function provisionedStoreConformance(name: string, open: () => Promise<Storage> | Storage): void {
  void describe(`ProvisionedConcurrencyStore conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
      await storage.functions.insert(sampleRecord());
      await storage.functions.insert(sampleRecord({ name: 'other' }));
    });
    afterEach(async () => {
      await storage.close();
    });

    void it('puts, replaces, reads, lists in qualifier order and deletes configurations', async () => {
      const store = storage.functions;
      assert.equal(await store.putProvisionedConcurrency(config({ qualifier: 'live' }), 900), 'set');
      assert.equal(await store.putProvisionedConcurrency(config({ qualifier: '2', requested: 3 }), 900), 'set');
      assert.equal(await store.putProvisionedConcurrency(config({ qualifier: '2', requested: 4 }), 900), 'set');
      assert.equal(await store.putProvisionedConcurrency(config({ functionName: 'other' }), 900), 'set');
      assert.deepEqual(await store.getProvisionedConcurrency('hello', '2'), config({ qualifier: '2', requested: 4 }));
      assert.equal(await store.getProvisionedConcurrency('hello', '9'), undefined);
      const qualifiers = async (after?: string, limit?: number) =>
        (await store.listProvisionedConcurrency('hello', after, limit)).map((c) => c.qualifier);
      assert.deepEqual(await qualifiers(), ['2', 'live']);
      assert.deepEqual(await qualifiers(undefined, 1), ['2']);
      assert.deepEqual(await qualifiers('2'), ['live']);
      assert.deepEqual(
        (await store.listProvisionedConcurrency(undefined)).map((c) => `${c.functionName}:${c.qualifier}`),
        ['hello:2', 'hello:live', 'other:1'],
      );
      assert.equal(await store.deleteProvisionedConcurrency('hello', '2'), true);
      assert.equal(await store.deleteProvisionedConcurrency('hello', '2'), false);
      assert.equal(
        await store.putProvisionedConcurrency(config({ functionName: 'missing' }), 900),
        'function-not-found',
      );
    });

    void it('provisioned concurrency of a function without a reservation is committed out of the account', async () => {
      const store = storage.functions;
      assert.equal(await store.putProvisionedConcurrency(config({ requested: 600 }), 900), 'set');
      assert.equal(
        await store.putProvisionedConcurrency(config({ qualifier: 'live', requested: 301 }), 900),
        'over-limit',
      );
      assert.equal(await store.putProvisionedConcurrency(config({ qualifier: 'live', requested: 300 }), 900), 'set');
      assert.equal(
        await store.putProvisionedConcurrency(config({ requested: 600 }), 900),
        'set',
        'a replacement is not counted twice',
      );
      assert.equal(await store.totalReservedConcurrency(), 900);
      assert.equal(await store.reserveConcurrency('other', 1, 900), 'over-limit');
    });

    void it('within a reservation: provisioned concurrency may not exceed it, nor the reservation drop below it', async () => {
      const store = storage.functions;
      assert.equal(await store.reserveConcurrency('hello', 10, 900), 'set');
      assert.equal(await store.putProvisionedConcurrency(config({ requested: 6 }), 900), 'set');
      assert.equal(
        await store.putProvisionedConcurrency(config({ qualifier: 'live', requested: 5 }), 900),
        'over-reserved',
      );
      assert.equal(await store.putProvisionedConcurrency(config({ qualifier: 'live', requested: 4 }), 900), 'set');
      assert.equal(await store.totalReservedConcurrency(), 10, 'the reservation already covers them');
      assert.equal(await store.reserveConcurrency('hello', 9, 900), 'below-provisioned');
      assert.equal(await store.reserveConcurrency('hello', 10, 900), 'set');
      assert.equal(await store.clearReservedConcurrency('hello'), true);
      assert.equal(await store.totalReservedConcurrency(), 10, 'without the reservation the provisioned total counts');
    });

    void it('deleting a version, an alias or the function deletes their configurations', async () => {
      const store = storage.functions;
      const v1 = await store.insertNextVersion(sampleRecord());
      assert.equal(v1?.version, '1');
      await store.insertAlias({
        functionName: 'hello',
        name: 'live',
        functionVersion: '1',
        description: '',
        additionalVersionWeights: {},
        revisionId: 'a-1',
      });
      await store.putProvisionedConcurrency(config({ qualifier: '1' }), 900);
      await store.putProvisionedConcurrency(config({ qualifier: 'live' }), 900);
      await store.putProvisionedConcurrency(config({ functionName: 'other', qualifier: 'x' }), 900);
      assert.equal(await store.deleteAlias('hello', 'live'), true);
      assert.equal(await store.getProvisionedConcurrency('hello', 'live'), undefined);
      assert.equal(await store.deleteVersion('hello', '1'), true);
      assert.equal(await store.getProvisionedConcurrency('hello', '1'), undefined);
      await store.putProvisionedConcurrency(config({ qualifier: '7' }), 900);
      await store.delete('other');
      await store.insert(sampleRecord({ name: 'other' }));
      assert.deepEqual(await store.listProvisionedConcurrency('other'), []);
      assert.equal(await store.totalReservedConcurrency(), 5);
    });
  });
}
