// A custom runtime (provided.al2023): the archive's own `bootstrap` speaks the Runtime API
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
import { type LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { customRuntime } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, invoke, invokeOk, lambdaClient, uniqueName } from '../support/lambda.js';
import { assertInvocationLines, startRequestId } from '../support/log-assertions.js';

interface RuntimeProbe {
  event: unknown;
  count: number;
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  handler: string | null;
  functionName: string | null;
  memory: string | null;
  greeting: string | null;
}

describe('custom runtime provided.al2023 (SDK v3)', { timeout: 120_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const name = uniqueName('custom-rt');

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('runs the bootstrap, which gets events and headers from the Runtime API', async () => {
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'provided.al2023',
      Handler: 'my.handler',
      Code: { ZipFile: await customRuntime() },
      Timeout: 7,
      Environment: { Variables: { GREETING: 'custom' } },
    });
    const sentAt = Date.now();
    const result = await invoke(client, name, { ping: 1 }, { logType: 'Tail' });
    assert.equal(result.functionError, undefined, result.text);
    const probe = JSON.parse(result.text) as RuntimeProbe;
    assert.deepEqual(probe.event, { ping: 1 });
    assert.equal(probe.count, 1);
    assert.equal(probe.requestId, startRequestId(result.logs), 'Lambda-Runtime-Aws-Request-Id is the invocation id');
    assert.equal(probe.invokedFunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
    // Lambda-Runtime-Deadline-Ms is the Unix-ms deadline: about now + Timeout.
    assert.ok(Math.abs(probe.deadlineMs - (sentAt + 7_000)) < 3_000, `deadline ${probe.deadlineMs - sentAt} ms ahead`);
    assert.equal(probe.handler, 'my.handler');
    assert.equal(probe.functionName, name);
    assert.equal(probe.memory, '128');
    assert.equal(probe.greeting, 'custom');
    assertInvocationLines(result.logs, probe.requestId);
    assert.match(result.logs, new RegExp(`custom runtime handling ${probe.requestId}`));
  });

  it('stays warm: the same runtime process serves the next event', async () => {
    assert.equal((await invokeOk<RuntimeProbe>(client, name, { again: true })).count, 2);
  });

  it('an error posted to /invocation/{id}/error reaches the caller as Unhandled', async () => {
    const result = await invoke(client, name, { fail: true });
    assert.equal(result.statusCode, 200);
    assert.equal(result.functionError, 'Unhandled');
    const error = JSON.parse(result.text) as { errorType: string; errorMessage: string };
    assert.equal(error.errorType, 'Custom.HandlerFailed');
    assert.equal(error.errorMessage, 'failed on request');
    assert.equal((await invokeOk<RuntimeProbe>(client, name)).count, 4, 'the runtime keeps serving');
  });

  it('an error posted to /init/error fails the invoke with that error', async () => {
    const failing = uniqueName('custom-init');
    await createAndWait(client, {
      FunctionName: failing,
      Runtime: 'provided.al2023',
      Handler: 'x',
      Code: { ZipFile: await customRuntime() },
      Environment: { Variables: { FAIL_INIT: '1' } },
    });
    const result = await invoke(client, failing);
    assert.equal(result.statusCode, 200);
    assert.equal(result.functionError, 'Unhandled');
    const error = JSON.parse(result.text) as { errorType: string; errorMessage: string };
    assert.equal(error.errorType, 'Custom.InitFailed');
    assert.equal(error.errorMessage, 'init went wrong on purpose');
  });
});
