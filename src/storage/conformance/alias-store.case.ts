// The AliasStore and ReservedConcurrencyStore conformance suites: every backend must pass them.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AliasRecord } from '../../control-plane/alias-record.js';
import type { Storage } from '../ports.js';
import { sampleRecord } from './sample-record.js';

function alias(overrides: Partial<AliasRecord> = {}): AliasRecord {
  return {
    functionName: 'hello',
    name: 'live',
    functionVersion: '1',
    description: '',
    additionalVersionWeights: {},
    revisionId: 'a-1',
    ...overrides,
  };
}

export function aliasStoreConformance(name: string, open: () => Promise<Storage> | Storage): void {
  void describe(`AliasStore and ReservedConcurrencyStore conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
      await storage.functions.insert(sampleRecord());
    });
    afterEach(async () => {
      await storage.close();
    });

    void it('inserts an alias once and round-trips it', async () => {
      const live = alias({ additionalVersionWeights: { '2': 0.25 }, description: 'prod' });
      assert.equal(await storage.functions.insertAlias(live), true);
      assert.equal(await storage.functions.insertAlias(alias({ functionVersion: '9' })), false);
      assert.deepEqual(await storage.functions.getAlias('hello', 'live'), live);
      assert.equal(await storage.functions.getAlias('hello', 'other'), undefined);
      assert.equal(await storage.functions.insertAlias(alias({ functionName: 'missing' })), false);
    });

    void it('lists aliases by name, paged', async () => {
      for (const n of ['c', 'a', 'b']) await storage.functions.insertAlias(alias({ name: n }));
      const names = async (after: string | undefined, limit: number) =>
        (await storage.functions.listAliases('hello', after, limit)).map((a) => a.name);
      assert.deepEqual(await names(undefined, 2), ['a', 'b']);
      assert.deepEqual(await names('b', 2), ['c']);
    });

    void it('updates an alias only from the expected revision; deletes it once', async () => {
      await storage.functions.insertAlias(alias());
      assert.equal(
        await storage.functions.updateAlias(alias({ functionVersion: '2', revisionId: 'a-2' }), 'a-1'),
        true,
      );
      assert.equal(
        await storage.functions.updateAlias(alias({ functionVersion: '3', revisionId: 'a-3' }), 'a-1'),
        false,
      );
      assert.equal((await storage.functions.getAlias('hello', 'live'))?.functionVersion, '2');
      assert.equal(await storage.functions.deleteAlias('hello', 'live'), true);
      assert.equal(await storage.functions.deleteAlias('hello', 'live'), false);
    });

    void it('reserves concurrency within the account total, atomically per call', async () => {
      await storage.functions.insert(sampleRecord({ name: 'other' }));
      assert.equal(await storage.functions.reserveConcurrency('hello', 600, 900), 'set');
      assert.equal(await storage.functions.reserveConcurrency('other', 301, 900), 'over-limit');
      assert.equal(await storage.functions.reserveConcurrency('other', 300, 900), 'set');
      assert.equal(
        await storage.functions.reserveConcurrency('hello', 600, 900),
        'set',
        'its own value is not counted twice',
      );
      assert.equal(await storage.functions.totalReservedConcurrency(), 900);
      assert.equal(await storage.functions.reserveConcurrency('missing', 1, 900), 'function-not-found');
      assert.equal(await storage.functions.clearReservedConcurrency('hello'), true);
      assert.equal(await storage.functions.reservedConcurrency('hello'), undefined);
      assert.equal(await storage.functions.reservedConcurrency('other'), 300);
      assert.equal(await storage.functions.totalReservedConcurrency(), 300);
      assert.equal(await storage.functions.clearReservedConcurrency('missing'), false);
    });

    void it('deleting a function deletes its aliases and its reservation', async () => {
      await storage.functions.insertAlias(alias());
      await storage.functions.reserveConcurrency('hello', 5, 900);
      await storage.functions.delete('hello');
      await storage.functions.insert(sampleRecord());
      assert.equal(await storage.functions.getAlias('hello', 'live'), undefined);
      assert.equal(await storage.functions.reservedConcurrency('hello'), undefined);
      assert.equal(await storage.functions.totalReservedConcurrency(), 0);
    });
  });
}
