import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSandboxMemoryMb, loadConfig } from './config.js';

test('account concurrency and the unreserved minimum default to Lambda quotas', () => {
  const config = loadConfig({}, {});
  assert.equal(config.accountConcurrency, 1000);
  assert.equal(config.minimumUnreserved, 100);
});

test('account concurrency and the unreserved minimum come from the environment', () => {
  const config = loadConfig({}, { HEARTH_ACCOUNT_CONCURRENCY: '50', HEARTH_MINIMUM_UNRESERVED: '0' });
  assert.equal(config.accountConcurrency, 50);
  assert.equal(config.minimumUnreserved, 0);
});

test('bad concurrency settings stop start-up with a message naming the setting', () => {
  const table: Array<[Record<string, string>, RegExp]> = [
    [{ HEARTH_ACCOUNT_CONCURRENCY: '0' }, /HEARTH_ACCOUNT_CONCURRENCY "0"/],
    [{ HEARTH_ACCOUNT_CONCURRENCY: '2.5' }, /HEARTH_ACCOUNT_CONCURRENCY "2.5"/],
    [{ HEARTH_MINIMUM_UNRESERVED: '-1' }, /HEARTH_MINIMUM_UNRESERVED "-1"/],
    [{ HEARTH_ACCOUNT_CONCURRENCY: '10', HEARTH_MINIMUM_UNRESERVED: '20' }, /cannot exceed HEARTH_ACCOUNT_CONCURRENCY/],
  ];
  for (const [env, message] of table) assert.throws(() => loadConfig({}, env), message, JSON.stringify(env));
});

test('capacity settings: defaults, the environment, and the default memory budget rule', () => {
  const defaults = loadConfig({}, {}, 8192);
  assert.equal(defaults.sandboxMemoryMb, 5888, '75 % of 8 GiB minus 256 MB for Hearth');
  assert.equal(defaults.queueLength, 100);
  assert.equal(defaults.queueWaitMs, 2000);
  assert.equal(defaults.scalingRate, 1000);
  const table: Array<[number, number]> = [
    [24_105, 17_822],
    [1024, 512],
    [256, 128],
  ];
  for (const [host, budget] of table) assert.equal(defaultSandboxMemoryMb(host), budget, `${host} MB host`);
  const set = loadConfig(
    {},
    { HEARTH_SANDBOX_MEMORY_MB: '256', HEARTH_QUEUE_LENGTH: '0', HEARTH_QUEUE_WAIT_MS: '0', HEARTH_SCALING_RATE: '5' },
  );
  assert.deepEqual([set.sandboxMemoryMb, set.queueLength, set.queueWaitMs, set.scalingRate], [256, 0, 0, 5]);
  for (const env of [
    { HEARTH_SANDBOX_MEMORY_MB: '64' },
    { HEARTH_QUEUE_WAIT_MS: '-1' },
    { HEARTH_SCALING_RATE: '0' },
    { HEARTH_QUEUE_LENGTH: 'many' },
  ]) {
    const [name] = Object.keys(env);
    assert.throws(() => loadConfig({}, env), new RegExp(`Invalid ${name}`), JSON.stringify(env));
  }
});
