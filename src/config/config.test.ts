import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config.js';

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
