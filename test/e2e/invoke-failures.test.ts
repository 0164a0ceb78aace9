// What a caller sees when a Node function fails: the payload and X-Amz-Function-Error that
// Lambda returns (LAMBDA-BEHAVIOUR.md §1.5; https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html).
import { type LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeEsmProbe, nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, invoke, invokeOk, lambdaClient, uniqueName, type InvokeResult } from '../support/lambda.js';
import { assertInvocationLines, startRequestId } from '../support/log-assertions.js';

interface FunctionErrorPayload {
  errorType: string;
  errorMessage: string;
}

function functionError(result: InvokeResult): FunctionErrorPayload {
  assert.equal(result.statusCode, 200, 'function errors keep HTTP 200');
  assert.equal(result.functionError, 'Unhandled', `X-Amz-Function-Error (payload ${result.text.slice(0, 300)})`);
  return JSON.parse(result.text) as FunctionErrorPayload;
}

describe('function errors (Node, SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const probe = uniqueName('failing');

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    await createAndWait(client, {
      FunctionName: probe,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await nodeEsmProbe() },
      Timeout: 1,
      // One vCPU: isolated sandboxes get CPU in proportion to memory, and at 128 MB (7% of a core)
      // building and sending a 7 MB response can outlast the 1 s timeout on a busy host.
      MemorySize: 1769,
    });
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('a thrown error becomes errorType/errorMessage with FunctionError Unhandled', async () => {
    const error = functionError(await invoke(client, probe, { action: 'throw' }));
    assert.equal(error.errorType, 'TypeError');
    assert.equal(error.errorMessage, 'boom from the handler');
  });

  it('a handler past its Timeout is Sandbox.Timedout, and the next invoke works', async () => {
    const started = Date.now();
    const result = await invoke(client, probe, { action: 'sleep', ms: 5_000 }, { logType: 'Tail' });
    const elapsed = Date.now() - started;
    const error = functionError(result);
    assert.equal(error.errorType, 'Sandbox.Timedout');
    const requestId = startRequestId(result.logs);
    assert.equal(error.errorMessage, `RequestId: ${requestId} Error: Task timed out after 1.00 seconds`);
    assert.ok(elapsed < 4_500, `the caller got the timeout after ${elapsed} ms, not after the handler's 5 s`);
    const next = await invokeOk<{ marker: string }>(client, probe, { after: 'timeout' });
    assert.equal(next.marker, 'v1');
  });

  it('process.exit(3) is Runtime.ExitError with the exit status', async () => {
    const result = await invoke(client, probe, { action: 'exit', code: 3 }, { logType: 'Tail' });
    const error = functionError(result);
    assert.equal(error.errorType, 'Runtime.ExitError');
    const requestId = startRequestId(result.logs);
    assert.equal(error.errorMessage, `RequestId: ${requestId} Error: Runtime exited with error: exit status 3`);
    const next = await invokeOk<{ count: number }>(client, probe, {});
    assert.equal(next.count, 1, 'a fresh sandbox replaces the one that exited');
  });

  it('a 7 MB response is Function.ResponseSizeTooLarge, and the next invoke works', async () => {
    // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html: 6 MB response.
    const error = functionError(await invoke(client, probe, { action: 'big', bytes: 7 * 1024 * 1024 }));
    assert.equal(error.errorType, 'Function.ResponseSizeTooLarge');
    assert.equal(error.errorMessage, 'Response payload size exceeded maximum allowed payload size (6291556 bytes).');
    assert.deepEqual((await invokeOk<{ event: unknown }>(client, probe, { small: 1 })).event, { small: 1 });
  });

  const initCases: ReadonlyArray<{ title: string; files: Record<string, string>; errorType: string; message: RegExp }> =
    [
      {
        title: 'a missing handler module',
        files: { 'other.mjs': 'export const handler = async () => 1;\n' },
        errorType: 'Runtime.ImportModuleError',
        message: /index/,
      },
      {
        title: 'a module importing a package that is not there',
        files: { 'index.mjs': "import 'no-such-package-hearth';\nexport const handler = async () => 1;\n" },
        errorType: 'Runtime.ImportModuleError',
        message: /no-such-package-hearth/,
      },
      {
        title: 'a module without the handler export',
        files: { 'index.mjs': 'export const other = async () => 1;\n' },
        errorType: 'Runtime.HandlerNotFound',
        message: /index\.handler is undefined or not exported/,
      },
      {
        title: 'a syntax error',
        files: { 'index.mjs': 'export const handler = async (event) => {\n  return event +;\n};\n' },
        errorType: 'Runtime.UserCodeSyntaxError',
        message: /SyntaxError/,
      },
    ];
  for (const { title, files, errorType, message } of initCases) {
    it(`init error: ${title} is ${errorType}`, async () => {
      const name = uniqueName('init-error');
      await createAndWait(client, {
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: await nodeSource(files) },
      });
      const result = await invoke(client, name, {}, { logType: 'Tail' });
      const error = functionError(result);
      assert.equal(error.errorType, errorType);
      assert.match(error.errorMessage, message);
      // Reported again on the next invoke, not swallowed by a crash loop.
      assert.equal(functionError(await invoke(client, name)).errorType, errorType);
    });
  }

  it('a failed invocation still writes its REPORT line', async () => {
    const result = await invoke(client, probe, { action: 'throw' }, { logType: 'Tail' });
    functionError(result);
    assertInvocationLines(result.logs, startRequestId(result.logs), 1769);
  });
});
