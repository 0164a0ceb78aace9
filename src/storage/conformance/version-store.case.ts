// The VersionStore conformance suite: every backend registers it and must pass it unchanged.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { LATEST, type FunctionRecord } from '../../control-plane/function-record.js';
import type { Storage } from '../ports.js';
import { sampleRecord } from './sample-record.js';

function withoutVersion(record: FunctionRecord): Omit<FunctionRecord, 'version'> {
  const { version: _version, ...rest } = record;
  return rest;
}

export function versionStoreConformance(name: string, open: () => Promise<Storage> | Storage): void {
  void describe(`VersionStore conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    void it('numbers published versions 1, 2, 3 and keeps each one as published', async () => {
      await storage.functions.insert(sampleRecord());
      const one = await storage.functions.insertNextVersion(withoutVersion(sampleRecord({ description: 'first' })));
      const two = await storage.functions.insertNextVersion(withoutVersion(sampleRecord({ description: 'second' })));
      assert.equal(one?.version, '1');
      assert.equal(two?.version, '2');
      assert.equal((await storage.functions.get('hello', '1'))?.description, 'first');
      assert.equal((await storage.functions.get('hello', '2'))?.description, 'second');
      assert.equal((await storage.functions.lastVersion('hello'))?.version, '2');
    });

    void it('never reuses the number of a deleted version', async () => {
      await storage.functions.insert(sampleRecord());
      await storage.functions.insertNextVersion(withoutVersion(sampleRecord()));
      await storage.functions.insertNextVersion(withoutVersion(sampleRecord()));
      assert.equal(await storage.functions.deleteVersion('hello', '2'), true);
      assert.equal(await storage.functions.deleteVersion('hello', '2'), false);
      assert.equal((await storage.functions.lastVersion('hello'))?.version, '1');
      assert.equal((await storage.functions.insertNextVersion(withoutVersion(sampleRecord())))?.version, '3');
    });

    void it('refuses to publish a function that does not exist, and never deletes $LATEST as a version', async () => {
      assert.equal(await storage.functions.insertNextVersion(withoutVersion(sampleRecord())), undefined);
      await storage.functions.insert(sampleRecord());
      assert.equal(await storage.functions.deleteVersion('hello', LATEST), false);
      assert.ok(await storage.functions.get('hello', LATEST));
    });

    void it('lists published versions in numeric order, paged, without $LATEST', async () => {
      await storage.functions.insert(sampleRecord());
      for (let i = 0; i < 11; i += 1) await storage.functions.insertNextVersion(withoutVersion(sampleRecord()));
      const numbers = async (after: number, limit: number) =>
        (await storage.functions.listVersions('hello', after, limit)).map((r) => r.version);
      assert.deepEqual(await numbers(0, 3), ['1', '2', '3']);
      assert.deepEqual(await numbers(8, 10), ['9', '10', '11']);
      assert.deepEqual(await numbers(11, 10), []);
      assert.deepEqual(await storage.functions.listVersions('missing', 0, 10), []);
    });

    void it('starts numbering again at 1 when a deleted function is created anew', async () => {
      await storage.functions.insert(sampleRecord());
      await storage.functions.insertNextVersion(withoutVersion(sampleRecord()));
      await storage.functions.delete('hello');
      await storage.functions.insert(sampleRecord());
      assert.equal((await storage.functions.insertNextVersion(withoutVersion(sampleRecord())))?.version, '1');
    });
  });
}
