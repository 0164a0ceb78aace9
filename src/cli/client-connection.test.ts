import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientSettings } from '../config/config.js';
import { loadConfig } from '../config/config.js';
import { planConnection, resolveConnection } from './client-connection.js';

const noAws: ClientSettings = {
  endpoint: undefined,
  accessKeyId: undefined,
  secretAccessKey: undefined,
  sessionToken: undefined,
  region: undefined,
  dataDir: '/data',
};

test('without AWS_ENDPOINT_URL the local Hearth is used, with the data dir keys, even if AWS keys are set', () => {
  const plan = planConnection(
    { ...noAws, accessKeyId: 'AKIAREALAWS', secretAccessKey: 'real' },
    loadConfig({}, { HEARTH_PORT: '5000' }),
  );
  assert.equal(plan.endpoint, 'http://127.0.0.1:5000');
  assert.equal(plan.endpointFromEnvironment, false);
  assert.equal(plan.region, 'us-east-1');
  assert.deepEqual(plan.credentials, { from: 'data-dir', dataDir: '/data', configured: {} });
});

test('HEARTH_ACCESS_KEY_ID / HEARTH_SECRET_ACCESS_KEY are handed to the credential loader', () => {
  const config = loadConfig({}, { HEARTH_ACCESS_KEY_ID: 'AK', HEARTH_SECRET_ACCESS_KEY: 'SK', HEARTH_HOST: '0.0.0.0' });
  const plan = planConnection(noAws, config);
  assert.equal(plan.endpoint, 'http://127.0.0.1:4280');
  assert.deepEqual(plan.credentials, {
    from: 'data-dir',
    dataDir: '/data',
    configured: { accessKeyId: 'AK', secretAccessKey: 'SK' },
  });
});

test('with AWS_ENDPOINT_URL (as `hearth env` sets it) the AWS_* keys and region are used', async () => {
  const plan = planConnection(
    {
      ...noAws,
      endpoint: 'http://hearth.internal:4280/',
      accessKeyId: 'AKIAX',
      secretAccessKey: 'secret',
      sessionToken: 'tok',
      region: 'eu-central-1',
    },
    loadConfig({}, {}),
  );
  assert.equal(plan.endpoint, 'http://hearth.internal:4280');
  assert.equal(plan.region, 'eu-central-1');
  const connection = await resolveConnection(plan, () => assert.fail('the data dir is not read'));
  assert.deepEqual(connection.credentials, { accessKeyId: 'AKIAX', secretAccessKey: 'secret', sessionToken: 'tok' });
});

test('with AWS_ENDPOINT_URL but no AWS keys the data dir keys are loaded', async () => {
  const plan = planConnection({ ...noAws, endpoint: 'http://10.0.0.5:4280' }, loadConfig({}, {}));
  const connection = await resolveConnection(plan, async (dataDir) => ({
    accessKeyId: `from ${dataDir}`,
    secretAccessKey: 's',
  }));
  assert.equal(connection.endpoint, 'http://10.0.0.5:4280');
  assert.equal(connection.credentials.accessKeyId, 'from /data');
});
