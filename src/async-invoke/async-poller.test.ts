// The poller against a scripted front end and the in-memory queue: what each outcome leads to.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { errors } from '../errors/lambda-error.js';
import type { InvokeOutcome, InvokeRequest, Invoker } from '../frontend/invocation.js';
import { MetricsRegistry } from '../observability/metrics.js';
import { MemoryAsyncQueue } from '../storage/memory/memory-async-queue.js';
import { MemoryEventInvokeConfigs } from '../storage/memory/memory-event-invoke-configs.js';
import { AsyncIntake } from './async-intake.js';
import { asyncMetrics } from './async-metrics.js';
import { AsyncPoller } from './async-poller.js';
import { Destinations } from './destinations.js';
import type { IntakePriority } from './intake-priority.js';
import { scaledDelays } from './retry-policy.js';
import { eventually } from '../testing/eventually.js';

const account = { region: 'us-east-1', accountId: '000000000000' };
const DEST = 'arn:aws:lambda:us-east-1:000000000000:function:dest';

const ok = (request: InvokeRequest): InvokeOutcome => ({
  kind: 'success',
  requestId: request.requestId ?? '?',
  executedVersion: '$LATEST',
  payload: Buffer.from('{"done":true}'),
  logTail: undefined,
});
const failed = (request: InvokeRequest): InvokeOutcome => ({
  kind: 'function-error',
  errorType: 'Error',
  requestId: request.requestId ?? '?',
  executedVersion: '$LATEST',
  payload: Buffer.from('{"errorType":"Error","errorMessage":"boom"}'),
  logTail: undefined,
});
const throttled: InvokeOutcome = {
  kind: 'throttled',
  reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
  retryAfterSeconds: 1,
};

interface Setup {
  readonly poller: AsyncPoller;
  readonly intake: AsyncIntake;
  readonly queue: MemoryAsyncQueue;
  readonly configs: MemoryEventInvokeConfigs;
  readonly attempts: InvokeRequest[];
  readonly records: Record<string, unknown>[];
  readonly registry: MetricsRegistry;
}

let current: Setup | undefined;
afterEach(async () => {
  await current?.poller.stop(1000);
  current = undefined;
});

function setup(
  answer: (request: InvokeRequest, attempt: number) => InvokeOutcome | Promise<InvokeOutcome>,
  options: {
    reserved?: number;
    slots?: number;
    destinationAnswer?: InvokeOutcome;
    now?: () => number;
    intakePriority?: IntakePriority;
  } = {},
): Setup {
  const queue = new MemoryAsyncQueue();
  const configs = new MemoryEventInvokeConfigs();
  const attempts: InvokeRequest[] = [];
  const records: Record<string, unknown>[] = [];
  const invoker: Invoker = {
    invoke: async (request) => {
      if (request.invocationType === 'Event') {
        records.push(JSON.parse(request.payload.toString()) as Record<string, unknown>);
        return options.destinationAnswer ?? { kind: 'queued', requestId: 'dest-request' };
      }
      attempts.push(request);
      return answer(request, attempts.length);
    },
  };
  const registry = new MetricsRegistry();
  const metrics = asyncMetrics(registry);
  const poller = new AsyncPoller({
    queue,
    invoker,
    configs,
    reservedConcurrency: async () => options.reserved,
    destinations: new Destinations(invoker, account),
    metrics,
    delays: scaledDelays(0.001),
    slots: options.slots ?? 4,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.intakePriority !== undefined ? { intakePriority: options.intakePriority } : {}),
  });
  const intake = new AsyncIntake(queue, metrics, () => poller.accepted());
  current = { poller, intake, queue, configs, attempts, records, registry };
  return current;
}

function accept(s: Setup, requestId: string, functionName = 'fn', acceptedAt = Date.now()): Promise<void> {
  return s.intake.accept({
    requestId,
    functionName,
    qualifier: undefined,
    payload: Buffer.from(JSON.stringify({ id: requestId })),
    clientContext: undefined,
    acceptedAt,
  });
}

async function withConfig(
  s: Setup,
  fields: { retries?: number; age?: number; onSuccess?: string; onFailure?: string },
) {
  await s.configs.putEventInvokeConfig({
    functionName: 'fn',
    qualifier: '$LATEST',
    maximumRetryAttempts: fields.retries,
    maximumEventAgeInSeconds: fields.age,
    onSuccess: fields.onSuccess,
    onFailure: fields.onFailure,
    lastModified: Date.now(),
  });
}

const empty = async (s: Setup) => (await s.queue.depths()).length === 0;

void describe('AsyncPoller', () => {
  void it('runs an accepted event with its request id and sends a Success record', async () => {
    const s = setup(ok);
    await withConfig(s, { onSuccess: DEST });
    await s.poller.start();
    await accept(s, 'req-1');
    await eventually(() => empty(s));
    assert.deepEqual(
      s.attempts.map((a) => [a.requestId, a.invocationType, a.payload.toString()]),
      [['req-1', 'RequestResponse', '{"id":"req-1"}']],
    );
    const [record] = s.records;
    assert.deepEqual(record?.['requestContext'], {
      requestId: 'req-1',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST',
      condition: 'Success',
      approximateInvokeCount: 1,
    });
    assert.deepEqual(record?.['responsePayload'], { done: true });
    assert.match(s.registry.render(), /hearth_async_events_finished_total\{function="fn",condition="Success"\} 1/);
  });

  void it('retries a function error twice with the same request id, then RetriesExhausted with count 3', async () => {
    const s = setup(failed);
    await withConfig(s, { onFailure: DEST });
    await s.poller.start();
    await accept(s, 'req-2');
    await eventually(() => empty(s));
    assert.deepEqual(
      s.attempts.map((a) => a.requestId),
      ['req-2', 'req-2', 'req-2'],
    );
    const [record] = s.records;
    assert.deepEqual(record?.['requestContext'], {
      requestId: 'req-2',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    });
    assert.deepEqual(record?.['responseContext'], {
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    assert.match(s.registry.render(), /hearth_async_events_retried_total\{function="fn",cause="function-error"\} 2/);
  });

  void it('MaximumRetryAttempts 0: one attempt only', async () => {
    const s = setup(failed);
    await withConfig(s, { retries: 0, onFailure: DEST });
    await s.poller.start();
    await accept(s, 'req-3');
    await eventually(() => s.records.length === 1);
    assert.equal(s.attempts.length, 1);
  });

  void it('a throttle is retried with backoff and does not count as an invocation', async () => {
    const s = setup((request, n) => (n <= 2 ? throttled : ok(request)));
    await withConfig(s, { onSuccess: DEST });
    await s.poller.start();
    await accept(s, 'req-4');
    await eventually(() => s.records.length === 1);
    assert.equal(s.attempts.length, 3);
    assert.equal((s.records[0]?.['requestContext'] as { approximateInvokeCount: number }).approximateInvokeCount, 1);
  });

  void it('reserved concurrency 0: ZeroReservedConcurrency at once, count 0, no response fields (C3)', async () => {
    const s = setup(() => throttled, { reserved: 0 });
    await withConfig(s, { onFailure: DEST });
    await s.poller.start();
    await accept(s, 'req-5');
    await eventually(() => s.records.length === 1);
    assert.equal(s.attempts.length, 1);
    const record = s.records[0] ?? {};
    assert.deepEqual(record['requestContext'], {
      requestId: 'req-5',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST',
      condition: 'ZeroReservedConcurrency',
      approximateInvokeCount: 0,
    });
    assert.equal('responseContext' in record, false);
  });

  void it('an event past its maximum age fails with EventAgeExceeded without running', async () => {
    const s = setup(ok);
    await withConfig(s, { age: 60, onFailure: DEST });
    await s.poller.start();
    await accept(s, 'req-6', 'fn', Date.now() - 61_000);
    await eventually(() => s.records.length === 1);
    assert.equal(s.attempts.length, 0);
    const context = s.records[0]?.['requestContext'] as { condition: string; approximateInvokeCount: number };
    assert.deepEqual([context.condition, context.approximateInvokeCount], ['EventAgeExceeded', 0]);
    assert.match(s.registry.render(), /hearth_async_events_expired_total\{function="fn"\} 1/);
  });

  void it('an event of a deleted function is discarded and counted', async () => {
    const s = setup(() => ({ kind: 'rejected', error: errors.functionNotFound('arn:fn') }));
    await withConfig(s, { onFailure: DEST });
    await s.poller.start();
    await accept(s, 'req-7');
    await eventually(() => empty(s));
    assert.deepEqual(s.records, []);
    assert.match(
      s.registry.render(),
      /hearth_async_events_discarded_total\{function="fn",reason="function-deleted"\} 1/,
    );
  });

  void it('a record its destination refuses is kept as undeliverable and counted (B19)', async () => {
    const s = setup(ok, { destinationAnswer: { kind: 'rejected', error: errors.functionNotFound(DEST) } });
    await withConfig(s, { onSuccess: DEST });
    await s.poller.start();
    await accept(s, 'req-8');
    await eventually(async () => (await s.queue.undeliverableCount()) === 1);
    assert.match(s.registry.render(), /hearth_async_events_undeliverable_total\{function="fn"\} 1/);
  });

  void it("one function's backlog does not delay another function's event (C5)", async () => {
    const order: string[] = [];
    const s = setup(
      (request) => {
        order.push(request.functionName);
        return ok(request);
      },
      { slots: 1 },
    );
    for (let i = 0; i < 20; i += 1)
      await s.queue.enqueue({
        requestId: `a${i}`,
        functionName: 'busy',
        qualifier: undefined,
        payload: Buffer.from('{}'),
        clientContext: undefined,
        acceptedAt: Date.now() - 1000 + i,
      });
    await s.queue.enqueue({
      requestId: 'b',
      functionName: 'quiet',
      qualifier: undefined,
      payload: Buffer.from('{}'),
      clientContext: undefined,
      acceptedAt: Date.now(),
    });
    await s.poller.start();
    await eventually(() => empty(s));
    assert.ok(order.indexOf('quiet') <= 1, `quiet ran at position ${order.indexOf('quiet')}: ${order.join(',')}`);
  });

  void it('on start, events claimed by a process that died run again (B5)', async () => {
    const s = setup(ok);
    await s.queue.enqueue({
      requestId: 'lost',
      functionName: 'fn',
      qualifier: undefined,
      payload: Buffer.from('{}'),
      clientContext: undefined,
      acceptedAt: Date.now(),
    });
    await s.queue.claim(['lost'], Date.now(), Date.now() + 900_000);
    await s.poller.start();
    await eventually(() => empty(s));
    assert.deepEqual(
      s.attempts.map((a) => a.requestId),
      ['lost'],
    );
  });

  void it('while events keep arriving, one runs at a time; once intake is quiet, the rest run at full width', async () => {
    let clock = Date.now();
    let running = 0;
    let widest = 0;
    const releases: (() => void)[] = [];
    const s = setup(
      async (request) => {
        running += 1;
        widest = Math.max(widest, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
        return ok(request);
      },
      { slots: 4, now: () => clock, intakePriority: { quietMs: 50, windowMs: 10_000, burstSlots: 1 } },
    );
    await s.poller.start();
    for (const id of ['e1', 'e2', 'e3', 'e4']) await accept(s, id, 'fn', clock);
    await eventually(() => s.attempts.length === 1);
    releases.shift()?.();
    // The clock has not moved: still the burst, so the next event waits for the first to end.
    await eventually(() => s.attempts.length === 2);
    assert.equal(widest, 1);
    clock += 50;
    await eventually(() => s.attempts.length === 4);
    assert.equal(widest, 3);
    for (const release of releases.splice(0)) release();
    await eventually(() => empty(s));
  });
});
