// The FunctionStore conformance suite: every backend registers it and must pass it unchanged.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { LATEST } from '../../control-plane/function-record.js';
import type { Storage } from '../ports.js';
import { sampleRecord } from './sample-record.js';

const next = { revisionId: 'rev-2', lastModified: '2024-02-02T00:00:00.000+0000' };

export function functionStoreConformance(name: string, open: () => Promise<Storage> | Storage): void {
  void describe(`FunctionStore conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    void it('inserts a version once; a second insert returns false and keeps the first', async () => {
      assert.equal(await storage.functions.insert(sampleRecord({ handler: 'first.handler' })), true);
      assert.equal(await storage.functions.insert(sampleRecord({ handler: 'second.handler' })), false);
      assert.equal((await storage.functions.get('hello', LATEST))?.handler, 'first.handler');
    });

    void it('returns undefined for a missing function or version', async () => {
      await storage.functions.insert(sampleRecord());
      assert.equal(await storage.functions.get('missing', LATEST), undefined);
      assert.equal(await storage.functions.get('hello', '7'), undefined);
    });

    void it('round-trips every field, and hands out copies', async () => {
      const record = sampleRecord({ stateReason: 'why', environment: { A: '1', B: '2' }, tags: { team: 'x' } });
      await storage.functions.insert(record);
      const fetched = await storage.functions.get('hello', LATEST);
      assert.deepEqual(fetched, record);
      (fetched?.environment as Record<string, string>)['A'] = 'changed';
      assert.equal((await storage.functions.get('hello', LATEST))?.environment['A'], '1');
    });

    void it('lists $LATEST only, ordered by name, paged with afterName and limit', async () => {
      for (const fn of ['delta', 'alpha', 'charlie', 'bravo', 'echo']) {
        await storage.functions.insert(sampleRecord({ name: fn }));
      }
      await storage.functions.insert(sampleRecord({ name: 'alpha', version: '1' }));
      const names = async (after: string | undefined, limit: number) =>
        (await storage.functions.list(after, limit)).map((r) => `${r.name}:${r.version}`);
      assert.deepEqual(await names(undefined, 2), ['alpha:$LATEST', 'bravo:$LATEST']);
      assert.deepEqual(await names('bravo', 2), ['charlie:$LATEST', 'delta:$LATEST']);
      assert.deepEqual(await names('delta', 10), ['echo:$LATEST']);
      assert.deepEqual(await names('echo', 10), []);
      assert.deepEqual(await names('b', 1), ['bravo:$LATEST']);
    });

    void it('updates when the revision matches, applying the patch and the new revision', async () => {
      await storage.functions.insert(sampleRecord({ stateReason: 'creating' }));
      const updated = await storage.functions.update(
        'hello',
        LATEST,
        'rev-1',
        { memorySize: 256, environment: { ONLY: 'this' }, stateReason: undefined },
        next,
      );
      assert.equal(updated?.memorySize, 256);
      assert.deepEqual(updated?.environment, { ONLY: 'this' });
      assert.equal(updated?.revisionId, 'rev-2');
      assert.equal(updated?.lastModified, next.lastModified);
      assert.equal(updated?.handler, 'index.handler');
      assert.deepEqual(await storage.functions.get('hello', LATEST), updated);
      assert.equal(updated && 'stateReason' in updated, false);
    });

    void it('refuses an update with a stale revision and changes nothing', async () => {
      await storage.functions.insert(sampleRecord());
      await storage.functions.update('hello', LATEST, 'rev-1', { timeout: 10 }, next);
      const stale = await storage.functions.update(
        'hello',
        LATEST,
        'rev-1',
        { timeout: 99 },
        {
          revisionId: 'rev-3',
          lastModified: next.lastModified,
        },
      );
      assert.equal(stale, undefined);
      const stored = await storage.functions.get('hello', LATEST);
      assert.equal(stored?.timeout, 10);
      assert.equal(stored?.revisionId, 'rev-2');
    });

    void it('lets exactly one of two racing updates with the same expected revision win', async () => {
      await storage.functions.insert(sampleRecord());
      const results = await Promise.all([
        storage.functions.update('hello', LATEST, 'rev-1', { description: 'A' }, { ...next, revisionId: 'rev-A' }),
        storage.functions.update('hello', LATEST, 'rev-1', { description: 'B' }, { ...next, revisionId: 'rev-B' }),
      ]);
      const winners = results.filter((r) => r !== undefined);
      assert.equal(winners.length, 1);
      assert.deepEqual(await storage.functions.get('hello', LATEST), winners[0]);
    });

    void it('returns undefined when updating a function that does not exist', async () => {
      assert.equal(await storage.functions.update('nope', LATEST, 'rev-1', { timeout: 5 }, next), undefined);
      assert.equal(await storage.functions.get('nope', LATEST), undefined);
    });

    void it('replaces the tags of every version, leaving the revision alone', async () => {
      await storage.functions.insert(sampleRecord({ tags: { old: 'gone' } }));
      await storage.functions.insert(sampleRecord({ version: '1', tags: { old: 'gone' } }));
      await storage.functions.insert(sampleRecord({ name: 'other', tags: { keep: 'me' } }));
      assert.equal(await storage.functions.setTags('hello', { team: 'a', env: 'prod' }), true);
      assert.deepEqual((await storage.functions.get('hello', LATEST))?.tags, { team: 'a', env: 'prod' });
      assert.deepEqual((await storage.functions.get('hello', '1'))?.tags, { team: 'a', env: 'prod' });
      assert.equal((await storage.functions.get('hello', LATEST))?.revisionId, 'rev-1');
      assert.deepEqual((await storage.functions.get('other', LATEST))?.tags, { keep: 'me' });
      assert.equal(await storage.functions.setTags('missing', { a: 'b' }), false);
    });

    void it('deletes every version of a function and reports whether it existed', async () => {
      await storage.functions.insert(sampleRecord());
      await storage.functions.insert(sampleRecord({ version: '1' }));
      await storage.functions.insert(sampleRecord({ name: 'other' }));
      assert.equal(await storage.functions.delete('hello'), true);
      assert.equal(await storage.functions.get('hello', LATEST), undefined);
      assert.equal(await storage.functions.get('hello', '1'), undefined);
      assert.equal(await storage.functions.delete('hello'), false);
      assert.deepEqual(
        (await storage.functions.list(undefined, 10)).map((r) => r.name),
        ['other'],
      );
      assert.equal(await storage.functions.insert(sampleRecord()), true, 'the name can be reused');
    });
  });
}
