// The sandbox memory budget end to end, with the AWS SDK v3 and curl: a tiny budget
// (HEARTH_SANDBOX_MEMORY_MB=256) holds two 128 MB sandboxes. Idle ones are evicted least valuable
// first (matrix row C6: many functions, few sandboxes, never rebound); when all are busy an invoke
// waits in the bounded queue and then runs, or gets 429 ConcurrentInvocationLimitExceeded with
// Retry-After; the waits show in GET /hearth/metrics.
import { InvokeCommand, LogType, TooManyRequestsException, type LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, lambdaClient, uniqueName } from '../support/lambda.js';
import { metric, metricsText, sample } from '../support/metrics.js';

const MIB = 1024 * 1024;

/** Names itself and the environment it runs in (an id made at init), optionally after a sleep. */
const PROBE = `import { randomUUID } from 'node:crypto';
const envId = randomUUID();
// INIT_MS: an expensive init (a sandbox worth keeping warm).
if (process.env.INIT_MS) await new Promise((resolve) => setTimeout(resolve, Number(process.env.INIT_MS)));
export const handler = async (event) => {
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return { fn: process.env.AWS_LAMBDA_FUNCTION_NAME, envId };
};
`;

interface Ran {
  readonly fn: string;
  readonly envId: string;
  readonly cold: boolean;
}

async function run(client: LambdaClient, name: string, sleepMs = 0): Promise<Ran> {
  const out = await client.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify({ sleepMs })),
      LogType: LogType.Tail,
    }),
  );
  assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
  const body = JSON.parse(Buffer.from(out.Payload ?? []).toString()) as { fn: string; envId: string };
  const tail = Buffer.from(out.LogResult ?? '', 'base64').toString();
  return { ...body, cold: /Init Duration: /.test(tail) };
}

/** Re-checks `condition` until it holds (no fixed sleep); fails after `ms`. */
async function until(condition: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not met in ${ms} ms: ${what}`);
  }
}

async function createProbes(
  client: LambdaClient,
  names: readonly string[],
  variables: Record<string, string> = {},
): Promise<void> {
  const code = await nodeSource({ 'index.mjs': PROBE });
  await Promise.all(
    names.map((name) =>
      createAndWait(client, {
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        MemorySize: 128,
        Timeout: 15,
        Environment: { Variables: variables },
        Code: { ZipFile: code },
      }),
    ),
  );
}

describe('Sandbox memory budget: eviction and C6 (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;

  before(async () => {
    server = await startHearth({ env: { HEARTH_SANDBOX_MEMORY_MB: '256' } });
    client = lambdaClient(server);
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('a full budget evicts the least valuable idle sandbox (idle longest, cheapest init); the others stay warm', async () => {
    const [a, b, c] = [uniqueName('a'), uniqueName('b'), uniqueName('c')];
    await createProbes(client, [a], { INIT_MS: '1500' });
    await createProbes(client, [b, c]);
    const a1 = await run(client, a);
    const b1 = await run(client, b);
    const a2 = await run(client, a);
    assert.deepEqual([a1.cold, b1.cold, a2.cold], [true, true, false]);
    assert.equal(a2.envId, a1.envId);
    let text = await metricsText(server);
    assert.equal(sample(text, 'hearth_sandbox_memory_budget_bytes'), 256 * MIB);
    assert.equal(sample(text, 'hearth_sandbox_memory_reserved_bytes'), 256 * MIB);
    assert.equal(sample(text, 'hearth_sandbox_evictions_total'), 0);

    // c needs room: b has been idle longer than a and is cheaper to re-create, so b goes.
    const c1 = await run(client, c);
    assert.equal(c1.cold, true);
    assert.equal(await metric(server, 'hearth_sandbox_evictions_total'), 1);
    const a3 = await run(client, a);
    assert.deepEqual([a3.cold, a3.envId], [false, a1.envId], 'a survived');
    // b needs room again: c (idle longer than a, a cheap init) goes; a (1.5 s init) stays.
    const b2 = await run(client, b);
    assert.equal(b2.cold, true, "b's sandbox was the one evicted");
    assert.notEqual(b2.envId, b1.envId);
    text = await metricsText(server);
    assert.equal(sample(text, 'hearth_sandbox_evictions_total'), 2);
    assert.equal(sample(text, 'hearth_sandbox_memory_reserved_bytes'), 256 * MIB, 'never more than the budget');
    assert.equal(sample(text, 'hearth_sandboxes'), 2);
    const a4 = await run(client, a);
    assert.deepEqual([a4.cold, a4.envId], [false, a1.envId], 'the expensive sandbox is still the first one');
  });

  it('C6: 20 functions round-robin through 2 sandboxes — every invoke succeeds, LRU eviction, never rebound', async () => {
    const names = Array.from({ length: 20 }, (_, i) => uniqueName(`rr${i}`));
    await createProbes(client, names);
    const evictionsBefore = await metric(server, 'hearth_sandbox_evictions_total');
    const ranIn = new Map<string, string>(); // envId → function
    let cold = 0;
    for (let round = 0; round < 2; round += 1) {
      for (const name of names) {
        const ran = await run(client, name);
        assert.equal(ran.fn, name);
        if (ran.cold) cold += 1;
        const owner = ranIn.get(ran.envId);
        assert.ok(owner === undefined || owner === name, `environment ${ran.envId} ran ${owner} and ${name}`);
        ranIn.set(ran.envId, name);
      }
    }
    // With 2 slots and 20 functions in turn, the LRU sandbox is always the one needed next: all cold.
    assert.equal(cold, 40);
    assert.equal(ranIn.size, 40, 'a fresh environment every time, none reused for another function');
    assert.equal((await metric(server, 'hearth_sandbox_evictions_total')) - evictionsBefore, 40);
    assert.equal(await metric(server, 'hearth_sandbox_memory_reserved_bytes'), 256 * MIB);
  });
});

describe('Sandbox memory budget: the capacity queue and 429 (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const [a, b, c] = [uniqueName('qa'), uniqueName('qb'), uniqueName('qc')];

  before(async () => {
    server = await startHearth({
      env: { HEARTH_SANDBOX_MEMORY_MB: '256', HEARTH_QUEUE_LENGTH: '1', HEARTH_QUEUE_WAIT_MS: '3000' },
    });
    client = lambdaClient(server);
    await createProbes(client, [a, b, c]);
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('all busy: one invoke waits and runs when a sandbox frees, one finds the queue full, one waits out its time — exact counts', async () => {
    // a and b take the whole budget and stay busy (a for 7 s, b for 1 s).
    const longA = run(client, a, 7000);
    const shortB = run(client, b, 1000);
    await until(
      async () => (await metric(server, 'hearth_sandbox_memory_reserved_bytes')) === 256 * MIB,
      'a and b hold the budget',
    );

    // Two invokes of c: the queue holds one; the other is throttled at once.
    const c1 = run(client, c, 5000);
    const c2 = run(client, c, 5000);
    const [first] = await Promise.race(
      [c1, c2].map((p, i) =>
        p.then(
          () => [i],
          () => [i],
        ),
      ),
    );
    const throttledAtOnce = first === 0 ? c1 : c2;
    const waiting = first === 0 ? c2 : c1;
    const immediate = await throttledAtOnce.then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(immediate instanceof TooManyRequestsException, `queue full: ${String(immediate)}`);
    assert.equal(immediate.$metadata.httpStatusCode, 429);
    assert.equal(immediate.Reason, 'ConcurrentInvocationLimitExceeded');
    assert.equal(immediate.message, 'Rate Exceeded.');
    assert.equal(immediate.retryAfterSeconds, '1', 'Retry-After header');

    // b finishes after ~1 s; its idle sandbox is evicted for the waiting c, which then runs.
    await until(
      async () => (await metric(server, 'hearth_capacity_queue_wait_seconds_count{outcome="served"}')) === 1,
      'the waiting invoke was served',
    );
    assert.equal((await shortB).fn, b);

    // Now a and c are busy for seconds: another invoke waits its 3 s and is throttled.
    const started = Date.now();
    const late = await run(client, b).then(
      () => undefined,
      (error: unknown) => error,
    );
    const waitedMs = Date.now() - started;
    assert.ok(late instanceof TooManyRequestsException, `after the wait: ${String(late)}`);
    assert.equal(late.Reason, 'ConcurrentInvocationLimitExceeded');
    assert.equal(late.retryAfterSeconds, '1');
    assert.ok(waitedMs >= 2900, `waited ${waitedMs} ms (HEARTH_QUEUE_WAIT_MS=3000)`);

    const [ranA, ranC] = await Promise.all([longA, waiting]);
    assert.equal(ranA.fn, a);
    assert.equal(ranC.fn, c);

    const text = await metricsText(server);
    assert.equal(sample(text, 'hearth_capacity_queue_wait_seconds_count{outcome="served"}'), 1);
    assert.equal(sample(text, 'hearth_capacity_queue_wait_seconds_count{outcome="throttled"}'), 1);
    assert.ok(sample(text, 'hearth_capacity_queue_wait_seconds_sum{outcome="throttled"}') >= 2.9);
    assert.equal(sample(text, 'hearth_worker_throttles_total{cause="capacity"}'), 2);
    assert.equal(sample(text, 'hearth_sandbox_evictions_total'), 1);
    assert.equal(sample(text, 'hearth_capacity_queue_length'), 0);
    assert.equal(sample(text, 'hearth_sandbox_memory_reserved_bytes'), 256 * MIB);
  });
});

describe('Scaling rate (SDK v3)', { timeout: 120_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const name = uniqueName('rate');

  before(async () => {
    server = await startHearth({ env: { HEARTH_SCALING_RATE: '2' } });
    client = lambdaClient(server);
    await createProbes(client, [name]);
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('a function adds at most HEARTH_SCALING_RATE new environments per 10 s: the next gets 429 FunctionInvocationRateLimitExceeded', async () => {
    const results = await Promise.allSettled([
      run(client, name, 3000),
      run(client, name, 3000),
      run(client, name, 3000),
    ]);
    const ran = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    assert.equal(ran.length, 2);
    assert.equal(refused.length, 1);
    const [throttle] = refused;
    assert.ok(throttle instanceof TooManyRequestsException, String(throttle));
    assert.equal(throttle.$metadata.httpStatusCode, 429);
    assert.equal(throttle.Reason, 'FunctionInvocationRateLimitExceeded');
    assert.equal(throttle.message, 'Rate Exceeded.');
    // 2 per 10 s refill one every 5 s; the burst used both, 3 s ago at most.
    assert.ok(
      ['2', '3', '4', '5'].includes(throttle.retryAfterSeconds ?? ''),
      `Retry-After ${throttle.retryAfterSeconds}`,
    );
    // Warm invokes take no token.
    const warm = await Promise.all([run(client, name), run(client, name)]);
    assert.deepEqual(
      warm.map((w) => w.cold),
      [false, false],
    );
    assert.equal(await metric(server, 'hearth_worker_throttles_total{cause="scaling-rate"}'), 1);
  });
});
