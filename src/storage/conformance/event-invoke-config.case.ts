// The EventInvokeConfigStore conformance suite: every backend registers it and must pass it unchanged.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EventInvokeConfigRecord } from '../../control-plane/event-invoke-config-record.js';
import type { Storage } from '../ports.js';

function config(functionName: string, qualifier: string, retries?: number): EventInvokeConfigRecord {
  return {
    functionName,
    qualifier,
    maximumRetryAttempts: retries,
    maximumEventAgeInSeconds: 120,
    onSuccess: undefined,
    onFailure: 'arn:aws:lambda:us-east-1:000000000000:function:dest',
    lastModified: 1_700_000_000_000,
  };
}

export function eventInvokeConfigConformance(name: string, open: () => Promise<Storage> | Storage): void {
  void describe(`EventInvokeConfigStore conformance: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    void it('puts, replaces, gets and deletes per function and qualifier', async () => {
      const store = storage.eventInvokeConfigs;
      await store.putEventInvokeConfig(config('fn', '$LATEST', 1));
      await store.putEventInvokeConfig(config('fn', '$LATEST', 0));
      await store.putEventInvokeConfig(config('fn', 'live', 2));
      const got = await store.getEventInvokeConfig('fn', '$LATEST');
      assert.equal(got?.maximumRetryAttempts, 0);
      assert.equal(got?.onFailure, 'arn:aws:lambda:us-east-1:000000000000:function:dest');
      assert.equal(got?.onSuccess, undefined);
      assert.equal(await store.getEventInvokeConfig('fn', '1'), undefined);
      assert.equal(await store.deleteEventInvokeConfig('fn', 'live'), true);
      assert.equal(await store.deleteEventInvokeConfig('fn', 'live'), false);
      assert.equal(await store.getEventInvokeConfig('fn', 'live'), undefined);
    });

    void it('lists one function by qualifier, paged', async () => {
      const store = storage.eventInvokeConfigs;
      for (const q of ['b', '$LATEST', '1', 'a']) await store.putEventInvokeConfig(config('fn', q));
      await store.putEventInvokeConfig(config('other', 'x'));
      const first = await store.listEventInvokeConfigs('fn', undefined, 2);
      assert.deepEqual(
        first.map((c) => c.qualifier),
        ['$LATEST', '1'],
      );
      const rest = await store.listEventInvokeConfigs('fn', '1', 10);
      assert.deepEqual(
        rest.map((c) => c.qualifier),
        ['a', 'b'],
      );
    });

    void it('deleteEventInvokeConfigs removes all of one function only', async () => {
      const store = storage.eventInvokeConfigs;
      await store.putEventInvokeConfig(config('fn', '$LATEST'));
      await store.putEventInvokeConfig(config('fn', '1'));
      await store.putEventInvokeConfig(config('other', '$LATEST'));
      await store.deleteEventInvokeConfigs('fn');
      assert.deepEqual(await store.listEventInvokeConfigs('fn', undefined, 10), []);
      assert.ok(await store.getEventInvokeConfig('other', '$LATEST'));
    });
  });
}
