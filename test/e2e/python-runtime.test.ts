// A Python function through the SDK v3: lifecycle, context, logs, exceptions, import errors.
import { DeleteFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pythonProbe } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import {
  createAndWait,
  expectLambdaError,
  invoke,
  invokeOk,
  lambdaClient,
  uniqueName,
  updateConfigurationAndWait,
} from '../support/lambda.js';
import { assertInvocationLines } from '../support/log-assertions.js';
import { buildZip } from '../support/zip.js';

interface Probe {
  event: unknown;
  count: number;
  functionName: string;
  memoryLimitInMB: string;
  remainingMs: number;
  requestId: string;
  greeting: string | null;
}

describe('Python function (SDK v3)', { timeout: 180_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const name = uniqueName('py-probe');

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('creates, invokes with context and environment, and tails the logs', async () => {
    const config = await createAndWait(client, {
      FunctionName: name,
      Runtime: 'python3.12',
      Handler: 'app.handler',
      Code: { ZipFile: await pythonProbe() },
      MemorySize: 256,
      Timeout: 5,
      Environment: { Variables: { GREETING: 'hallo' } },
    });
    assert.equal(config.State, 'Active');
    const result = await invoke(client, name, { from: 'python test' }, { logType: 'Tail' });
    assert.equal(result.functionError, undefined, result.text);
    const probe = JSON.parse(result.text) as Probe;
    assert.deepEqual(probe.event, { from: 'python test' });
    assert.equal(probe.count, 1);
    assert.equal(probe.functionName, name);
    assert.equal(probe.memoryLimitInMB, '256');
    assert.ok(probe.remainingMs > 0 && probe.remainingMs <= 5_000, `remaining ${probe.remainingMs}`);
    assert.equal(probe.greeting, 'hallo');
    assertInvocationLines(result.logs, probe.requestId, 256);
    assert.match(result.logs, /^python probe says hello$/m);
  });

  it('reuses the warm sandbox, and an environment change gets a new one', async () => {
    assert.equal((await invokeOk<Probe>(client, name)).count, 2);
    await updateConfigurationAndWait(client, { FunctionName: name, Environment: { Variables: { GREETING: 'hej' } } });
    const probe = await invokeOk<Probe>(client, name);
    assert.equal(probe.greeting, 'hej');
    assert.equal(probe.count, 1);
  });

  it('reports an exception as errorType, errorMessage and a stackTrace array', async () => {
    const result = await invoke(client, name, { action: 'raise' });
    assert.equal(result.statusCode, 200);
    assert.equal(result.functionError, 'Unhandled');
    const error = JSON.parse(result.text) as { errorType: string; errorMessage: string; stackTrace: unknown };
    assert.equal(error.errorType, 'ProbeError');
    assert.equal(error.errorMessage, 'bad thing happened');
    assert.ok(Array.isArray(error.stackTrace) && error.stackTrace.length > 0, 'stackTrace is a non-empty array');
    assert.ok(
      (error.stackTrace as unknown[]).some((frame) => String(frame).includes('app.py')),
      'the trace points at the handler file',
    );
    // The sandbox survives a handled exception.
    assert.ok((await invokeOk<Probe>(client, name)).count >= 1);
  });

  it('a missing module is Runtime.ImportModuleError', async () => {
    const broken = uniqueName('py-missing');
    await createAndWait(client, {
      FunctionName: broken,
      Runtime: 'python3.12',
      Handler: 'missing.handler',
      Code: { ZipFile: await buildZip({ 'app.py': 'def handler(e, c):\n    return e\n' }) },
    });
    const result = await invoke(client, broken);
    assert.equal(result.statusCode, 200);
    assert.equal(result.functionError, 'Unhandled');
    const error = JSON.parse(result.text) as { errorType: string; errorMessage: string };
    assert.equal(error.errorType, 'Runtime.ImportModuleError');
    assert.match(error.errorMessage, /^Unable to import module 'missing'/);
  });

  it('deletes the function', async () => {
    await client.send(new DeleteFunctionCommand({ FunctionName: name }));
    await expectLambdaError(invoke(client, name), { name: 'ResourceNotFoundException', status: 404 });
  });
});
