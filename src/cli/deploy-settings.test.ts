import assert from 'node:assert/strict';
import { test } from 'node:test';
import { creationSettings, settingsFromFlags } from './deploy-settings.js';
import { wholeNumberOption } from './number-option.js';

test('an update sends only the settings given on the command line', () => {
  assert.deepEqual(settingsFromFlags({ name: 'f' }), {});
  assert.deepEqual(settingsFromFlags({ name: 'f', memory: 256, env: { A: '1' } }), {
    MemorySize: 256,
    Environment: { Variables: { A: '1' } },
  });
});

test('a create fills in the default role from the account id', () => {
  const settings = creationSettings(
    { name: 'f', runtime: 'nodejs22.x', handler: 'index.handler', timeout: 10 },
    '000000000000',
  );
  assert.deepEqual(settings, {
    Runtime: 'nodejs22.x',
    Handler: 'index.handler',
    Timeout: 10,
    Role: 'arn:aws:iam::000000000000:role/hearth-function',
  });
  const custom = creationSettings(
    { name: 'f', runtime: 'python3.12', handler: 'app.handler', role: 'arn:aws:iam::1:role/x' },
    '0',
  );
  assert.equal(custom.Role, 'arn:aws:iam::1:role/x');
});

test('a create without --runtime or --handler says which flags are missing', () => {
  assert.throws(() => creationSettings({ name: 'f', runtime: 'nodejs22.x' }, '0'), /creating it needs --handler \(/);
  assert.throws(() => creationSettings({ name: 'f' }, '0'), /needs --runtime and --handler/);
});

test('--memory, --timeout and --since-seq take whole numbers only', () => {
  const memory = wholeNumberOption('--memory');
  assert.equal(memory('512'), 512);
  for (const bad of ['0', '-1', '1.5', '12x', '', '1e3'])
    assert.throws(() => memory(bad), /--memory must be a whole number/, bad);
  assert.equal(wholeNumberOption('--since-seq', 0)('0'), 0);
});
