// How Invoke treats the request itself: payload size and shape, invocation types, names,
// and request signatures (LAMBDA-BEHAVIOUR.md rows A1, A2, A4, A6–A9; DESIGN.md "public contract").
import { GetFunctionCommand, ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeEcho } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, expectLambdaError, invoke, lambdaClient, uniqueName } from '../support/lambda.js';

const SYNC_LIMIT = 6_291_456;

/** A JSON document (a string literal) of exactly `bytes` bytes. */
function jsonOfSize(bytes: number): Buffer {
  const text = JSON.stringify('a'.repeat(bytes - 2));
  assert.equal(text.length, bytes);
  return Buffer.from(text);
}

describe('Invoke requests (SDK v3)', { timeout: 180_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const echo = uniqueName('echo');

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    await createAndWait(client, {
      FunctionName: echo,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      // One full vCPU (1,769 MB): isolated sandboxes get CPU in proportion to memory, as on Lambda,
      // and 128 MB (7% of a core) parses and echoes 6 MB too slowly for the default 3 s timeout.
      MemorySize: 1769,
      Code: { ZipFile: await nodeEcho() },
    });
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('A4: a payload of exactly 6,291,456 bytes is accepted and echoed', async () => {
    const payload = jsonOfSize(SYNC_LIMIT);
    const result = await invoke(client, echo, undefined, { raw: payload });
    assert.equal(result.functionError, undefined, result.text.slice(0, 300));
    assert.equal(result.text.length, SYNC_LIMIT);
    assert.ok(Buffer.from(result.text).equals(payload), 'echoed byte for byte');
  });

  it('A4: a payload of 6,291,457 bytes is 413 RequestEntityTooLargeException', async () => {
    await expectLambdaError(invoke(client, echo, undefined, { raw: jsonOfSize(SYNC_LIMIT + 1) }), {
      name: 'RequestEntityTooLargeException',
      status: 413,
      message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
    });
  });

  it('A6: a payload that is not JSON is 400 InvalidRequestContentException', async () => {
    const notJson = Buffer.from([0x6e, 0x87, 0x72, 0x9e, 0x7b]);
    await expectLambdaError(invoke(client, echo, undefined, { raw: notJson }), {
      name: 'InvalidRequestContentException',
      status: 400,
      message: /^Could not parse request body into json: /,
    });
    await expectLambdaError(invoke(client, echo, undefined, { raw: Buffer.from('{"unterminated": ') }), {
      name: 'InvalidRequestContentException',
      status: 400,
      message: /^Could not parse request body into json: /,
    });
  });

  it('A7: an empty payload reaches the handler as {}', async () => {
    const result = await invoke(client, echo, undefined, { raw: new Uint8Array(0) });
    assert.equal(result.functionError, undefined, result.text);
    assert.deepEqual(JSON.parse(result.text), {});
  });

  it('A9: DryRun answers 204 without running the function', async () => {
    const result = await invoke(client, echo, { dry: true }, { invocationType: 'DryRun', logType: 'Tail' });
    assert.equal(result.statusCode, 204);
    assert.equal(result.text, '');
    assert.equal(result.logs, '', 'nothing ran, so there is no log tail');
  });

  it('A8: an unknown InvocationType is 400 ValidationException', async () => {
    await expectLambdaError(invoke(client, echo, {}, { invocationType: 'Foo' as 'Event' }), {
      name: 'ValidationException',
      status: 400,
      message: /Value 'Foo' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set/,
    });
  });

  it('InvocationType Event: 202, an empty body and a request id (async-invoke.test.ts covers the rest)', async () => {
    const result = await invoke(client, echo, { async: true }, { invocationType: 'Event' });
    assert.equal(result.statusCode, 202);
    assert.equal(result.text, '');
    assert.match(result.requestId ?? '', /^[0-9a-f-]{36}$/);
  });

  it('A1: invoking a function that does not exist is 404 with the $LATEST ARN', async () => {
    await expectLambdaError(invoke(client, 'no-such-function'), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function:$LATEST',
    });
  });

  it('A2: a malformed function name is 400 ValidationException', async () => {
    const bad = 'arn:aws:lambda:us-east-1:123400000000@function:myfn';
    await expectLambdaError(invoke(client, bad), {
      name: 'ValidationException',
      status: 400,
      message:
        /^1 validation error detected: Value '.*' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: /,
    });
  });

  it('a wrong secret key is 403 InvalidSignatureException', async () => {
    const impostor = lambdaClient(server, {
      accessKeyId: server.credentials.accessKeyId,
      secretAccessKey: 'not-the-secret',
    });
    try {
      await expectLambdaError(impostor.send(new ListFunctionsCommand({})), {
        name: 'InvalidSignatureException',
        status: 403,
      });
      await expectLambdaError(invoke(impostor, echo, { sneaky: true }), {
        name: 'InvalidSignatureException',
        status: 403,
      });
    } finally {
      impostor.destroy();
    }
  });

  it('an unknown access key is 403 UnrecognizedClientException', async () => {
    const stranger = lambdaClient(server, { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever' });
    try {
      await expectLambdaError(stranger.send(new GetFunctionCommand({ FunctionName: echo })), {
        name: 'UnrecognizedClientException',
        status: 403,
        message: 'The security token included in the request is invalid.',
      });
    } finally {
      stranger.destroy();
    }
  });

  it('an unsigned request is refused with 403', async () => {
    const response = await fetch(`${server.endpoint}/2015-03-31/functions/${echo}/invocations`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(response.status, 403);
    assert.ok(response.headers.get('x-amzn-errortype'), 'x-amzn-ErrorType header');
    const body = (await response.json()) as { message?: string; Message?: string };
    assert.ok(body.message ?? body.Message, 'the body carries a message');
  });
});
