// The whole life of a Node function through the AWS SDK for JavaScript v3: create, wait, invoke,
// logs, warm reuse, configuration and code updates, listing, code download, delete.
import {
  DeleteFunctionCommand,
  GetFunctionCommand,
  ListFunctionsCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { nodeCjsProbe, nodeEsmProbe } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import {
  createAndWait,
  expectLambdaError,
  invoke,
  invokeOk,
  lambdaClient,
  uniqueName,
  updateCodeAndWait,
  updateConfigurationAndWait,
} from '../support/lambda.js';
import { assertInvocationLines, assertNodeConsoleLine, startRequestId } from '../support/log-assertions.js';

interface Probe {
  marker: string;
  event: unknown;
  count: number;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  remainingMs: number;
  requestId: string;
  clientContext: unknown;
  greeting: string | null;
  region: string | null;
  lambdaFunctionName: string | null;
}

describe('Node.js function lifecycle (SDK v3)', { timeout: 180_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const esm = uniqueName('esm-probe');
  const cjs = uniqueName('cjs-probe');
  let esmZip: Buffer;

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    esmZip = await nodeEsmProbe('v1');
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('creates an ESM function that becomes Active', async () => {
    const config = await createAndWait(client, {
      FunctionName: esm,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: esmZip },
      Timeout: 10,
      Environment: { Variables: { GREETING: 'hello' } },
    });
    assert.equal(config.State, 'Active');
    assert.equal(config.FunctionName, esm);
    assert.equal(config.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${esm}`);
    assert.equal(config.Runtime, 'nodejs20.x');
    assert.equal(config.MemorySize, 128, 'default memory');
    assert.equal(config.Timeout, 10);
    assert.equal(config.CodeSize, esmZip.length);
    assert.equal(config.CodeSha256, createHash('sha256').update(esmZip).digest('base64'));
    assert.deepEqual(config.Environment?.Variables, { GREETING: 'hello' });
  });

  it('invokes it: payload, context and environment reach the handler', async () => {
    const before = Date.now();
    const result = await invoke(client, esm, { hello: 'world', n: 42 });
    assert.equal(result.statusCode, 200);
    assert.equal(result.functionError, undefined, result.text);
    assert.equal(result.executedVersion, '$LATEST');
    const probe = JSON.parse(result.text) as Probe;
    assert.deepEqual(probe.event, { hello: 'world', n: 42 });
    assert.equal(probe.marker, 'v1');
    assert.equal(probe.functionName, esm);
    assert.equal(probe.lambdaFunctionName, esm);
    assert.equal(probe.functionVersion, '$LATEST');
    assert.equal(probe.invokedFunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${esm}`);
    assert.equal(probe.memoryLimitInMB, '128');
    assert.ok(probe.remainingMs > 0 && probe.remainingMs <= 10_000, `remaining time ${probe.remainingMs}`);
    assert.ok(probe.remainingMs > 10_000 - (Date.now() - before) - 1_000, 'remaining time counts down from Timeout');
    assert.equal(probe.greeting, 'hello');
    assert.equal(probe.region, 'us-east-1');
    assert.match(probe.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("answers with x-amzn-RequestId equal to the invocation's request id", async () => {
    // AWS returns the invocation's id in x-amzn-RequestId, so callers can find its logs.
    const result = await invoke(client, esm, {});
    assert.equal(result.requestId, (JSON.parse(result.text) as Probe).requestId);
  });

  it('keeps the sandbox warm: module state survives between invocations', async () => {
    // The invocations above counted 1 and 2 in this sandbox; a cold sandbox would count 1 again.
    assert.equal((await invokeOk<Probe>(client, esm, {})).count, 3);
    assert.equal((await invokeOk<Probe>(client, esm, {})).count, 4);
  });

  it('hands X-Amz-Client-Context to the handler as context.clientContext', async () => {
    const clientContext = { custom: { tenant: 'blue' }, env: { locale: 'en-GB' } };
    const encoded = Buffer.from(JSON.stringify(clientContext)).toString('base64');
    const result = await invoke(client, esm, {}, { clientContext: encoded });
    assert.equal(result.functionError, undefined, result.text);
    assert.deepEqual((JSON.parse(result.text) as Probe).clientContext, clientContext);
    const without = JSON.parse((await invoke(client, esm, {})).text) as Probe;
    assert.equal(without.clientContext, null);
  });

  it('returns the log tail with START, END, REPORT and the console line', async () => {
    const result = await invoke(client, esm, { tail: true }, { logType: 'Tail' });
    assert.equal(result.functionError, undefined, result.text);
    const requestId = (JSON.parse(result.text) as Probe).requestId;
    assert.ok(Buffer.byteLength(result.logs) <= 4096, 'Tail returns at most the last 4 KB');
    const report = assertInvocationLines(result.logs, requestId);
    assertNodeConsoleLine(result.logs, requestId, 'probe says hello');
    assert.equal(report.initDurationMs, undefined, 'a warm invoke reports no Init Duration');
  });

  it('an environment change starts a new sandbox that sees the new value', async () => {
    const updated = await updateConfigurationAndWait(client, {
      FunctionName: esm,
      Environment: { Variables: { GREETING: 'bonjour' } },
    });
    assert.deepEqual(updated.Environment?.Variables, { GREETING: 'bonjour' });
    const first = await invoke(client, esm, {}, { logType: 'Tail' });
    const probe = JSON.parse(first.text) as Probe;
    assert.equal(probe.greeting, 'bonjour');
    assert.equal(probe.count, 1, 'the old sandbox (old environment) was not reused');
    const report = assertInvocationLines(first.logs, probe.requestId);
    assert.ok(report.initDurationMs !== undefined, 'a cold start reports Init Duration');
    assert.equal((await invokeOk<Probe>(client, esm)).count, 2);
  });

  it('UpdateFunctionCode serves the new code from a fresh sandbox', async () => {
    const v2 = await nodeEsmProbe('v2');
    const updated = await updateCodeAndWait(client, esm, v2);
    assert.equal(updated.CodeSha256, createHash('sha256').update(v2).digest('base64'));
    esmZip = v2; // the server now holds v2, whatever the invoke below shows
    const probe = await invokeOk<Probe>(client, esm);
    assert.equal(probe.marker, 'v2');
    assert.equal(probe.count, 1);
    assert.equal(probe.greeting, 'bonjour', 'configuration is kept across a code update');
  });

  it('runs a CommonJS handler (app.js, exports.handler)', async () => {
    await createAndWait(client, {
      FunctionName: cjs,
      Runtime: 'nodejs20.x',
      Handler: 'app.handler',
      Code: { ZipFile: await nodeCjsProbe() },
    });
    const first = await invoke(client, cjs, { cjs: true }, { logType: 'Tail' });
    assert.equal(first.functionError, undefined, first.text);
    const body = JSON.parse(first.text) as { count: number; event: unknown; functionName: string; moduleType: string };
    assert.deepEqual(body, { count: 1, event: { cjs: true }, functionName: cjs, moduleType: 'object' });
    assertNodeConsoleLine(first.logs, startRequestId(first.logs), 'cjs probe says hello');
    assert.equal((await invokeOk<{ count: number }>(client, cjs)).count, 2);
  });

  it('lists functions one page at a time with MaxItems and Marker', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListFunctionsCommand({ MaxItems: 1, Marker: marker }));
      pages += 1;
      assert.ok((page.Functions ?? []).length <= 1, 'a page holds at most MaxItems functions');
      seen.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ''));
      marker = page.NextMarker;
      assert.ok(pages <= 10, 'paging terminates');
    } while (marker);
    assert.deepEqual([...seen].sort(), [cjs, esm].sort(), 'every function exactly once');
    assert.equal(pages, 2);
  });

  it('GetFunction gives a Code.Location that downloads the exact archive', async () => {
    const got = await client.send(new GetFunctionCommand({ FunctionName: esm }));
    assert.equal(got.Configuration?.FunctionName, esm);
    assert.equal(got.Code?.RepositoryType, 'S3');
    const location = got.Code?.Location;
    assert.ok(location, 'Code.Location');
    const response = await fetch(location);
    assert.equal(response.status, 200);
    const bytes = Buffer.from(await response.arrayBuffer());
    assert.ok(bytes.equals(esmZip), 'downloaded archive is byte-identical to the uploaded one');
    assert.equal(createHash('sha256').update(bytes).digest('base64'), got.Configuration?.CodeSha256);
  });

  it('DeleteFunction removes it: Invoke and GetFunction answer 404', async () => {
    await client.send(new DeleteFunctionCommand({ FunctionName: esm }));
    await expectLambdaError(invoke(client, esm), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${esm}:$LATEST`,
    });
    await expectLambdaError(client.send(new GetFunctionCommand({ FunctionName: esm })), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: new RegExp(`^Function not found: arn:aws:lambda:us-east-1:000000000000:function:${esm}`),
    });
    const left = await client.send(new ListFunctionsCommand({}));
    assert.deepEqual(
      (left.Functions ?? []).map((f) => f.FunctionName),
      [cjs],
    );
  });
});
