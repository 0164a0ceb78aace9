import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSandboxEnvironment, newLogStreamName, type SandboxEnvironmentInput } from './sandbox-environment.js';

const input: SandboxEnvironmentInput = {
  functionName: 'orders',
  version: '$LATEST',
  handler: 'index.handler',
  memorySize: 256,
  region: 'eu-west-1',
  variables: { TABLE: 'orders-table', AWS_REGION: 'us-west-2', _HANDLER: 'evil.handler' },
  launchEnv: {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
    NODE_PATH: '/opt/nodejs/node_modules:/var/runtime/node_modules',
  },
  logStreamName: '2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef',
  credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
  endpointUrl: 'http://127.0.0.1:4280',
};

test('an environment started for provisioned concurrency says so', () => {
  const env = buildSandboxEnvironment({ ...input, initializationType: 'provisioned-concurrency' });
  assert.equal(env['AWS_LAMBDA_INITIALIZATION_TYPE'], 'provisioned-concurrency');
});

test('the sandbox environment carries every variable Lambda defines', () => {
  const env = buildSandboxEnvironment(input);
  const expected: Record<string, string> = {
    _HANDLER: 'index.handler',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
    AWS_LAMBDA_FUNCTION_NAME: 'orders',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders',
    AWS_LAMBDA_LOG_STREAM_NAME: '2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef',
    AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'token',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:4280',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH: '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
    NODE_PATH: '/opt/nodejs/node_modules:/var/runtime/node_modules',
    TABLE: 'orders-table',
  };
  assert.deepEqual(env, expected);
});

test('the platform values win over a function variable with a reserved name', () => {
  const env = buildSandboxEnvironment(input);
  assert.equal(env['AWS_REGION'], 'eu-west-1');
  assert.equal(env['_HANDLER'], 'index.handler');
});

test('nothing of the host environment leaks in', () => {
  const env = buildSandboxEnvironment({ ...input, variables: {}, launchEnv: {} });
  for (const hostVar of [
    'NODE_EXTRA_CA_CERTS',
    'HOME',
    'USER',
    'HEARTH_DATA_DIR',
    'HEARTH_SECRET_ACCESS_KEY',
    'NODE_OPTIONS',
    'SSL_CERT_FILE',
  ]) {
    assert.equal(env[hostVar], undefined, hostVar);
  }
  assert.equal(env['AWS_EXECUTION_ENV'], undefined);
});

test('log stream names follow Lambda: date, version in brackets, 32 hex digits', () => {
  const name = newLogStreamName('$LATEST', new Date('2024-03-07T23:59:59Z'), Buffer.alloc(16, 0xab));
  assert.equal(name, '2024/03/07/[$LATEST]abababababababababababababababab');
  assert.match(newLogStreamName('$LATEST', new Date()), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
});
