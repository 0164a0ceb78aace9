// Asynchronous invocation end to end with the AWS SDK v3 (docs/async.md; LAMBDA-BEHAVIOUR.md
// §1.1, §1.2 and rows A5, A10, A20, A21, B2, B19, C3): 202 and eventual execution under the
// 202's request id, retries with the same request id and the on-failure record, the on-success
// record, reserved concurrency 0, the async payload limit and the event invoke config API.
// Retry delays are scaled down (HEARTH_ASYNC_RETRY_SCALE) so that 1 min / 2 min take 0.3 s / 0.6 s.
import {
  DeleteFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { functionLogLines, waitFor } from '../support/function-logs.js';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, expectLambdaError, lambdaClient, uniqueName } from '../support/lambda.js';
import { metricsText, sample } from '../support/metrics.js';

/** Logs every event it receives on one line: `RECORD <json>`. */
const RECORDER = `export const handler = async (event) => { console.log('RECORD ' + JSON.stringify(event)); return 'recorded'; };\n`;
/** Fails when asked to; logs `RAN <id> <requestId>` on every attempt. */
const WORKER = `
export const handler = async (event, context) => {
  console.log('RAN ' + event.id + ' ' + context.awsRequestId);
  if (event.fail) throw new Error('boom ' + event.id);
  return { done: event.id };
};
`;

interface InvocationRecord {
  readonly version: string;
  readonly timestamp: string;
  readonly requestContext: {
    requestId: string;
    functionArn: string;
    condition: string;
    approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  readonly responsePayload?: unknown;
}

describe('Async invoke (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const recorder = uniqueName('recorder');
  const worker = uniqueName('worker');
  const arnOf = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

  before(async () => {
    server = await startHearth({ env: { HEARTH_ASYNC_RETRY_SCALE: '0.005' } });
    client = lambdaClient(server);
    for (const [name, source] of [
      [recorder, RECORDER],
      [worker, WORKER],
    ] as const) {
      await createAndWait(client, {
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: await nodeSource({ 'index.mjs': source }) },
      });
    }
    await client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: worker,
        DestinationConfig: { OnSuccess: { Destination: arnOf(recorder) }, OnFailure: { Destination: arnOf(recorder) } },
      }),
    );
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  /** The function's own output lines, without the runtime's `timestamp\trequestId\tINFO\t` prefix. */
  async function output(name: string): Promise<string[]> {
    return (await functionLogLines(server, name)).map((line) => line.replace(/^\S+\t\S+\t[A-Z]+\t/, ''));
  }

  async function recordFor(requestId: string): Promise<InvocationRecord> {
    const lines = await waitFor(
      () => output(recorder),
      (all) => all.some((line) => line.startsWith('RECORD ') && line.includes(requestId)),
    );
    const line = lines.find((l) => l.startsWith('RECORD ') && l.includes(requestId)) ?? '';
    return JSON.parse(line.slice('RECORD '.length)) as InvocationRecord;
  }

  async function sendEvent(name: string, payload: unknown): Promise<string> {
    const out = await client.send(
      new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }),
    );
    assert.equal(out.StatusCode, 202);
    assert.equal(Buffer.from(out.Payload ?? []).length, 0, 'a 202 has an empty body');
    const requestId = out.$metadata.requestId;
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/);
    return requestId ?? '';
  }

  it('202 with a request id, then the function runs under that id and the on-success record arrives', async () => {
    const requestId = await sendEvent(worker, { id: 'ok-1' });
    const record = await recordFor(requestId);
    assert.equal(record.version, '1.0');
    assert.ok(!Number.isNaN(Date.parse(record.timestamp)));
    assert.deepEqual(record.requestContext, {
      requestId,
      functionArn: `${arnOf(worker)}:$LATEST`,
      condition: 'Success',
      approximateInvokeCount: 1,
    });
    assert.deepEqual(record.requestPayload, { id: 'ok-1' });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: '$LATEST' });
    assert.deepEqual(record.responsePayload, { done: 'ok-1' });
    await waitFor(
      () => output(worker),
      (lines) => lines.includes(`RAN ok-1 ${requestId}`),
    );
  });

  it('B2: a failing event runs 3 times with the same request id, then RetriesExhausted with count 3', async () => {
    const requestId = await sendEvent(worker, { id: 'fail-1', fail: true });
    const record = await recordFor(requestId);
    assert.deepEqual(record.requestContext, {
      requestId,
      functionArn: `${arnOf(worker)}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    });
    assert.deepEqual(record.requestPayload, { id: 'fail-1', fail: true });
    assert.deepEqual(record.responseContext, {
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    assert.equal((record.responsePayload as { errorMessage: string }).errorMessage, 'boom fail-1');
    // Log lines are written in batches: wait for the third attempt's REPORT.
    const lines = await waitFor(
      () => output(worker),
      (all) => all.filter((l) => l.startsWith(`REPORT RequestId: ${requestId}`)).length >= 3,
    );
    assert.equal(lines.filter((l) => l === `RAN fail-1 ${requestId}`).length, 3);
    assert.equal(lines.filter((l) => l.startsWith(`REPORT RequestId: ${requestId}`)).length, 3);
  });

  it('C3: reserved concurrency 0 — 202, then ZeroReservedConcurrency at once with count 0 and nothing run', async () => {
    const zero = uniqueName('zero');
    await createAndWait(client, {
      FunctionName: zero,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await nodeSource({ 'index.mjs': WORKER }) },
    });
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: zero, ReservedConcurrentExecutions: 0 }));
    await client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: zero,
        DestinationConfig: { OnFailure: { Destination: arnOf(recorder) } },
      }),
    );
    await expectLambdaError(client.send(new InvokeCommand({ FunctionName: zero, Payload: Buffer.from('{}') })), {
      name: 'TooManyRequestsException',
      status: 429,
    });
    const requestId = await sendEvent(zero, { id: 'zero-1' });
    const record = await recordFor(requestId);
    assert.deepEqual(record.requestContext, {
      requestId,
      functionArn: `${arnOf(zero)}:$LATEST`,
      condition: 'ZeroReservedConcurrency',
      approximateInvokeCount: 0,
    });
    assert.equal(record.responseContext, undefined);
    assert.deepEqual(await functionLogLines(server, zero), [], 'no sandbox ever started');
  });

  it('C4 (small): 40 events at reserved concurrency 2 — throttled ones are retried with backoff until all ran', async () => {
    const narrow = uniqueName('narrow');
    await createAndWait(client, {
      FunctionName: narrow,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: {
        ZipFile: await nodeSource({
          'index.mjs':
            "export const handler = async (event) => { await new Promise((r) => setTimeout(r, 50)); console.log('RAN ' + event.id); };\n",
        }),
      },
    });
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: narrow, ReservedConcurrentExecutions: 2 }));
    const ids = Array.from({ length: 40 }, (_, i) => `n${i}`);
    await Promise.all(ids.map((id) => sendEvent(narrow, { id })));
    const lines = await waitFor(
      () => output(narrow),
      (all) => ids.every((id) => all.includes(`RAN ${id}`)),
      120_000,
    );
    for (const id of ids) assert.equal(lines.filter((l) => l === `RAN ${id}`).length, 1, `${id} ran once`);
    // The last RAN line can be stored a moment before its attempt is counted: wait for the count.
    const text = await waitFor(
      () => metricsText(server),
      (t) => sample(t, `hearth_async_events_finished_total{function="${narrow}",condition="Success"}`) === 40,
    );
    assert.ok(sample(text, `hearth_async_events_retried_total{function="${narrow}",cause="throttled"}`) > 0, text);
  });

  it('A5: a 1,048,577-byte event is 413 and queues nothing; A10: no 202 for a missing function', async () => {
    const before = sample(await metricsText(server), `hearth_async_events_accepted_total{function="${worker}"}`);
    const big = Buffer.from(`"${'x'.repeat(1_048_577 - 2)}"`);
    await expectLambdaError(
      client.send(new InvokeCommand({ FunctionName: worker, InvocationType: 'Event', Payload: big })),
      {
        name: 'RequestEntityTooLargeException',
        status: 413,
        message: '1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)',
      },
    );
    await expectLambdaError(
      client.send(
        new InvokeCommand({ FunctionName: uniqueName('missing'), InvocationType: 'Event', Payload: Buffer.from('{}') }),
      ),
      { name: 'ResourceNotFoundException', status: 404 },
    );
    const text = await metricsText(server);
    assert.equal(sample(text, `hearth_async_events_accepted_total{function="${worker}"}`), before);
  });

  it('metrics: accepted, finished per condition, retried', async () => {
    const text = await metricsText(server);
    assert.ok(sample(text, `hearth_async_events_accepted_total{function="${worker}"}`) >= 2, text);
    assert.ok(sample(text, `hearth_async_events_finished_total{function="${worker}",condition="Success"}`) >= 1);
    assert.equal(sample(text, `hearth_async_events_retried_total{function="${worker}",cause="function-error"}`), 2);
    assert.match(text, /# TYPE hearth_async_queue_depth gauge/);
    assert.match(text, /# TYPE hearth_async_oldest_event_age_seconds gauge/);
  });

  it('event invoke config: Get, Update merges, List, qualifiers, Delete', async () => {
    const got = await client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: worker }));
    assert.equal(got.FunctionArn, `${arnOf(worker)}:$LATEST`);
    assert.ok(got.LastModified instanceof Date && Math.abs(got.LastModified.getTime() - Date.now()) < 600_000);
    assert.equal(got.DestinationConfig?.OnSuccess?.Destination, arnOf(recorder));
    assert.equal(got.MaximumRetryAttempts, undefined);

    const updated = await client.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: worker, MaximumRetryAttempts: 1 }),
    );
    assert.equal(updated.MaximumRetryAttempts, 1);
    assert.equal(
      updated.DestinationConfig?.OnFailure?.Destination,
      arnOf(recorder),
      'Update keeps what it was not given',
    );

    const replaced = await client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: worker,
        Qualifier: '$LATEST',
        MaximumEventAgeInSeconds: 3600,
      }),
    );
    assert.equal(replaced.MaximumEventAgeInSeconds, 3600);
    assert.equal(replaced.DestinationConfig?.OnSuccess?.Destination, undefined, 'Put replaces');

    const listed = await client.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: worker }));
    assert.deepEqual(
      listed.FunctionEventInvokeConfigs?.map((c) => c.FunctionArn),
      [`${arnOf(worker)}:$LATEST`],
    );
    await expectLambdaError(
      client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: worker, Qualifier: '9' })),
      {
        name: 'ResourceNotFoundException',
        status: 404,
        message: `Function not found: ${arnOf(worker)}:9`,
      },
    );
    await client.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: worker }));
    await expectLambdaError(client.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: worker })), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: `The function ${arnOf(worker)}:$LATEST doesn't have an EventInvokeConfig`,
    });
  });

  it('A20/A21: ranges, nothing to set, the function itself, a destination that does not exist or is not a function', async () => {
    const put = (input: Omit<ConstructorParameters<typeof PutFunctionEventInvokeConfigCommand>[0], 'FunctionName'>) =>
      client.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: worker, ...input }));
    await expectLambdaError(put({ MaximumRetryAttempts: 3 }), {
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2",
    });
    await expectLambdaError(put({ MaximumEventAgeInSeconds: 59 }), {
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
    });
    await expectLambdaError(put({ MaximumEventAgeInSeconds: 21_601 }), { name: 'ValidationException', status: 400 });
    await expectLambdaError(put({}), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: 'You must specify at least one of error handling or destination setting.',
    });
    await expectLambdaError(put({ DestinationConfig: { OnFailure: { Destination: arnOf(worker) } } }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: "You can't specify the function as a destination for itself.",
    });
    const missing = arnOf(uniqueName('nobody'));
    await expectLambdaError(put({ DestinationConfig: { OnSuccess: { Destination: missing } } }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: `The destination ARN ${missing} is invalid.`,
    });
    const queue = 'arn:aws:sqs:us-east-1:000000000000:failures';
    await expectLambdaError(put({ DestinationConfig: { OnFailure: { Destination: queue } } }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: `The destination ARN ${queue} is invalid.`,
    });
  });

  it('B19: a record whose destination was deleted is kept as undeliverable and counted', async () => {
    const gone = uniqueName('gone');
    const source = uniqueName('source');
    for (const name of [gone, source]) {
      await createAndWait(client, {
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: await nodeSource({ 'index.mjs': WORKER }) },
      });
    }
    await client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: source,
        DestinationConfig: { OnSuccess: { Destination: arnOf(gone) } },
      }),
    );
    await client.send(new DeleteFunctionCommand({ FunctionName: gone }));
    await sendEvent(source, { id: 'orphan' });
    await waitFor(
      () => metricsText(server),
      (text) => sample(text, `hearth_async_events_undeliverable_total{function="${source}"}`) === 1,
    );
    await waitFor(
      () => metricsText(server),
      (text) => sample(text, 'hearth_async_undeliverable_events') >= 1,
    );
  });
});
