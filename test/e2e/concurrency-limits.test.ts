// Reserved concurrency and throttling through the AWS SDK v3: matrix rows C1 (a burst of 50 sync
// invokes against reserved concurrency 10), C2 (a burst over the account limit, reservations
// kept), C3 (reserved 0) and A28 (the unreserved minimum).
import {
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, expectLambdaError, lambdaClient, uniqueName } from '../support/lambda.js';

interface Span {
  readonly start: number;
  readonly end: number;
}

/** The largest number of spans open at one instant. */
function maxOverlap(spans: readonly Span[]): number {
  const edges = spans.flatMap((s) => [
    { at: s.start, delta: 1 },
    { at: s.end, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let open = 0;
  let most = 0;
  for (const edge of edges) {
    open += edge.delta;
    most = Math.max(most, open);
  }
  return most;
}

describe('Reserved concurrency and throttling (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const sleeper = uniqueName('sleeper');
  const other = uniqueName('other');

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    const code = await nodeSource({
      'index.mjs':
        'export const handler = async () => { const start = Date.now(); await new Promise((r) => setTimeout(r, 1000)); return { start, end: Date.now() }; };\n',
    });
    for (const name of [sleeper, other]) {
      await createAndWait(client, {
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: code },
      });
    }
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('C1: 50 concurrent invokes against reserved concurrency 10 — never more than 10 run, the rest get 429', async () => {
    const put = await client.send(
      new PutFunctionConcurrencyCommand({ FunctionName: sleeper, ReservedConcurrentExecutions: 10 }),
    );
    assert.equal(put.ReservedConcurrentExecutions, 10);
    const got = await client.send(new GetFunctionConcurrencyCommand({ FunctionName: sleeper }));
    assert.equal(got.ReservedConcurrentExecutions, 10);
    const fn = await client.send(new GetFunctionCommand({ FunctionName: sleeper }));
    assert.equal(fn.Concurrency?.ReservedConcurrentExecutions, 10);

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        client.send(new InvokeCommand({ FunctionName: sleeper, Payload: Buffer.from('{}') })),
      ),
    );
    const spans: Span[] = [];
    const throttles: TooManyRequestsException[] = [];
    for (const result of results) {
      if (result.status === 'fulfilled') {
        assert.equal(result.value.FunctionError, undefined);
        spans.push(JSON.parse(Buffer.from(result.value.Payload ?? []).toString()) as Span);
      } else {
        assert.ok(result.reason instanceof TooManyRequestsException, String(result.reason));
        throttles.push(result.reason);
      }
    }
    assert.equal(spans.length + throttles.length, 50);
    assert.ok(maxOverlap(spans) <= 10, `at most 10 ran at once (saw ${maxOverlap(spans)})`);
    assert.ok(spans.length >= 10, `the reservation's 10 all ran (ran ${spans.length})`);
    assert.ok(throttles.length >= 1, 'some were throttled');
    for (const throttle of throttles) {
      assert.equal(throttle.$metadata.httpStatusCode, 429);
      assert.equal(throttle.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
      assert.equal(throttle.message, 'Rate Exceeded.');
      assert.equal(throttle.retryAfterSeconds, '1', 'Retry-After header');
    }
  });

  it('C3: reserved concurrency 0 throttles every synchronous invoke', async () => {
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: other, ReservedConcurrentExecutions: 0 }));
    const throttle = await expectLambdaError(client.send(new InvokeCommand({ FunctionName: other })), {
      name: 'TooManyRequestsException',
      status: 429,
      message: 'Rate Exceeded.',
    });
    assert.ok(throttle instanceof TooManyRequestsException);
    assert.equal(throttle.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    assert.equal(throttle.retryAfterSeconds, '1');
    await client.send(new DeleteFunctionConcurrencyCommand({ FunctionName: other }));
    const after = await client.send(new GetFunctionConcurrencyCommand({ FunctionName: other }));
    assert.equal(after.ReservedConcurrentExecutions, undefined);
    const ran = await client.send(new InvokeCommand({ FunctionName: other }));
    assert.equal(ran.StatusCode, 200);
  });

  it('A28: a reservation may not leave less than 100 unreserved; GetAccountSettings reflects reservations', async () => {
    await expectLambdaError(
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: other, ReservedConcurrentExecutions: 891 })),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message:
          "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
      },
    );
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: other, ReservedConcurrentExecutions: 890 }));
    const settings = await client.send(new GetAccountSettingsCommand({}));
    assert.equal(settings.AccountLimit?.ConcurrentExecutions, 1000);
    assert.equal(settings.AccountLimit?.UnreservedConcurrentExecutions, 100);
  });
});

describe('C2: a burst above the account limit (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const unreserved = uniqueName('unreserved');
  const reserved = uniqueName('reserved');

  before(async () => {
    // Account concurrency 15: a reservation of 5 leaves 10 for every other function.
    server = await startHearth({ env: { HEARTH_ACCOUNT_CONCURRENCY: '15', HEARTH_MINIMUM_UNRESERVED: '5' } });
    client = lambdaClient(server);
    const code = await nodeSource({
      'index.mjs':
        'export const handler = async () => { const start = Date.now(); await new Promise((r) => setTimeout(r, 2000)); return { start, end: Date.now() }; };\n',
    });
    for (const name of [unreserved, reserved]) {
      await createAndWait(client, {
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: code },
      });
    }
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: reserved, ReservedConcurrentExecutions: 5 }));
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('30 invokes of an unreserved function: exactly 10 run, 20 get 429 ConcurrentInvocationLimitExceeded; the reserved function keeps its 5', async () => {
    const settings = await client.send(new GetAccountSettingsCommand({}));
    assert.equal(settings.AccountLimit?.ConcurrentExecutions, 15);
    assert.equal(settings.AccountLimit?.UnreservedConcurrentExecutions, 10);
    const send = (name: string) => client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
    const [burst, kept] = await Promise.all([
      Promise.allSettled(Array.from({ length: 30 }, () => send(unreserved))),
      Promise.allSettled(Array.from({ length: 5 }, () => send(reserved))),
    ]);
    const ran = burst.filter((r) => r.status === 'fulfilled');
    const throttled = burst.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    assert.equal(ran.length, 10, 'the unreserved pool holds 10');
    assert.equal(throttled.length, 20);
    for (const error of throttled) {
      assert.ok(error instanceof TooManyRequestsException, String(error));
      assert.equal(error.$metadata.httpStatusCode, 429);
      assert.equal(error.Reason, 'ConcurrentInvocationLimitExceeded');
      assert.equal(error.retryAfterSeconds, '1');
    }
    assert.deepEqual(
      kept.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
      'every invoke of the function with reserved concurrency ran during the burst',
    );
  });
});
