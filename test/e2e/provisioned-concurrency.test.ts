// Provisioned concurrency through the AWS SDK v3: Put on an alias, IN_PROGRESS → READY, invokes
// served by environments initialised ahead (no Init Duration, AWS_LAMBDA_INITIALIZATION_TYPE), the
// alias moving to another version, FAILED when init fails, the errors Lambda gives, and how
// provisioned concurrency counts against reservations and the account's unreserved pool.
import {
  CreateAliasCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
  type GetProvisionedConcurrencyConfigCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, expectLambdaError, lambdaClient, updateCodeAndWait, uniqueName } from '../support/lambda.js';
import { assertInvocationLines } from '../support/log-assertions.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

/** A handler that reports how its environment was initialised; its module logs once at init. */
function probe(marker: string): Promise<Buffer> {
  return nodeSource({
    'index.mjs': [
      `console.log('init ${marker}');`,
      'const initialisedAt = Date.now();',
      // Not process.pid: every isolated sandbox has its own pid namespace, so pids repeat.
      'const environmentId = Math.random().toString(36).slice(2);',
      'export const handler = async (event) => {',
      '  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));',
      `  return { marker: '${marker}', initType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE, initialisedAt, environmentId };`,
      '};',
      '',
    ].join('\n'),
  });
}

interface Ran {
  readonly marker: string;
  readonly initType: string;
  readonly initialisedAt: number;
  readonly environmentId: string;
  readonly executedVersion: string | undefined;
  readonly logs: string;
  readonly requestId: string;
  readonly ms: number;
}

describe('Provisioned concurrency (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const fn = uniqueName('provisioned');
  const broken = uniqueName('broken-init');

  async function run(qualifier: string | undefined, event: Record<string, unknown> = {}): Promise<Ran> {
    const started = performance.now();
    const out = await client.send(
      new InvokeCommand({
        FunctionName: fn,
        Qualifier: qualifier,
        Payload: Buffer.from(JSON.stringify(event)),
        LogType: 'Tail',
      }),
    );
    const ms = performance.now() - started;
    const logs = Buffer.from(out.LogResult ?? '', 'base64').toString();
    assert.equal(out.FunctionError, undefined, `${Buffer.from(out.Payload ?? []).toString()}\n${logs}`);
    const body = JSON.parse(Buffer.from(out.Payload ?? []).toString()) as Omit<Ran, 'executedVersion' | 'logs' | 'ms'>;
    return { ...body, executedVersion: out.ExecutedVersion, logs, requestId: out.$metadata.requestId ?? '', ms };
  }

  /** Polls GetProvisionedConcurrencyConfig until it leaves IN_PROGRESS (bounded). */
  async function settled(name: string, qualifier: string): Promise<GetProvisionedConcurrencyConfigCommandOutput> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const got = await client.send(
        new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: qualifier }),
      );
      if (got.Status !== 'IN_PROGRESS' || Date.now() > deadline) return got;
      await delay(50);
    }
  }

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await probe('v1') },
    });
    const v1 = await client.send(new PublishVersionCommand({ FunctionName: fn }));
    assert.equal(v1.Version, '1');
    await client.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '1' }));
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('is refused on $LATEST, unknown versions and unknown aliases, with Lambda’s errors', async () => {
    const put = (Qualifier: string) =>
      client.send(
        new PutProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier, ProvisionedConcurrentExecutions: 1 }),
      );
    await expectLambdaError(put('$LATEST'), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
    });
    await expectLambdaError(put('9'), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Function not found: ${ARN}:${fn}:9`,
    });
    await expectLambdaError(put('nope'), {
      name: 'ResourceNotFoundException',
      status: 404,
      message: `Cannot find alias arn: ${ARN}:${fn}:nope`,
    });
    await expectLambdaError(
      client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: '$LATEST' })),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message: 'The function resource provided must be an alias or a published version.',
      },
    );
    await expectLambdaError(
      client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: 'live' })),
      {
        name: 'ProvisionedConcurrencyConfigNotFoundException',
        status: 404,
        message: 'No Provisioned Concurrency Config found for this function',
      },
    );
  });

  it('on an alias: IN_PROGRESS, then READY; invokes run in environments initialised ahead, without Init Duration', async () => {
    const put = await client.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: fn,
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 2,
      }),
    );
    assert.equal(put.$metadata.httpStatusCode, 202);
    assert.equal(put.RequestedProvisionedConcurrentExecutions, 2);
    assert.equal(put.Status, 'IN_PROGRESS');
    assert.match(put.LastModified ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);

    const ready = await settled(fn, 'live');
    assert.equal(ready.Status, 'READY', JSON.stringify(ready));
    assert.equal(ready.AvailableProvisionedConcurrentExecutions, 2);
    assert.equal(ready.AllocatedProvisionedConcurrentExecutions, 2);
    assert.equal(ready.StatusReason, undefined);

    // The first invoke after READY: no init on the invoke path.
    const putAt = Date.now();
    const first = await run('live');
    assert.equal(first.initType, 'provisioned-concurrency');
    assert.equal(assertInvocationLines(first.logs, first.requestId).initDurationMs, undefined);

    // Two at once: both served by the provisioned environments, initialised before either invoke.
    const [a, b] = await Promise.all([run('live', { sleepMs: 300 }), run('live', { sleepMs: 300 })]);
    for (const ran of [a, b]) {
      assert.equal(ran.initType, 'provisioned-concurrency');
      assert.equal(ran.executedVersion, '1');
      assert.equal(ran.marker, 'v1');
      assert.ok(ran.initialisedAt < putAt, 'initialised before the invoke');
      const report = assertInvocationLines(ran.logs, ran.requestId);
      assert.equal(report.initDurationMs, undefined, `no Init Duration:\n${ran.logs}`);
      assert.doesNotMatch(ran.logs, /init v1/, 'init output stays out of the invoke’s log tail');
    }
    assert.notEqual(a.environmentId, b.environmentId, 'two environments');

    // Version 1 directly uses the same provisioned environments; $LATEST is on demand, cold.
    const direct = await run('1');
    assert.equal(direct.initType, 'provisioned-concurrency');
    const latest = await run(undefined);
    assert.equal(latest.initType, 'on-demand');
    assert.notEqual(
      assertInvocationLines(latest.logs, latest.requestId).initDurationMs,
      undefined,
      'on-demand cold start has Init Duration',
    );
    console.log(
      `# first invoke served by provisioned concurrency: ${a.ms.toFixed(1)} ms; on-demand cold: ${latest.ms.toFixed(1)} ms`,
    );
  });

  it('lists configurations and counts them against the account’s unreserved pool and the reservation', async () => {
    const listed = await client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: fn }));
    assert.deepEqual(
      listed.ProvisionedConcurrencyConfigs?.map((c) => [
        c.FunctionArn,
        c.RequestedProvisionedConcurrentExecutions,
        c.Status,
      ]),
      [[`${ARN}:${fn}:live`, 2, 'READY']],
    );
    const settings = await client.send(new GetAccountSettingsCommand({}));
    assert.equal(settings.AccountLimit?.ConcurrentExecutions, 1000);
    assert.equal(
      settings.AccountLimit?.UnreservedConcurrentExecutions,
      998,
      'provisioned concurrency leaves the unreserved pool',
    );

    await expectLambdaError(
      client.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 1 })),
      { name: 'InvalidParameterValueException', status: 400, message: /provisioned concurrency \[2\]/ },
    );
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 3 }));
    await expectLambdaError(
      client.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: fn,
          Qualifier: 'live',
          ProvisionedConcurrentExecutions: 4,
        }),
      ),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message:
          'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function',
      },
    );
    const withReservation = await client.send(new GetAccountSettingsCommand({}));
    assert.equal(withReservation.AccountLimit?.UnreservedConcurrentExecutions, 997, 'the reservation now covers it');

    await expectLambdaError(
      client.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: fn,
          Qualifier: '1',
          ProvisionedConcurrentExecutions: 1,
        }),
      ),
      {
        name: 'ResourceConflictException',
        status: 409,
        message: 'Version is pointed by a Provisioned Concurrency alias',
      },
    );
  });

  it('follows the alias to another version', async () => {
    await updateCodeAndWait(client, fn, await probe('v2'));
    const v2 = await client.send(new PublishVersionCommand({ FunctionName: fn }));
    assert.equal(v2.Version, '2');
    const movedAt = Date.now();
    await client.send(new UpdateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '2' }));
    const ready = await settled(fn, 'live');
    assert.equal(ready.Status, 'READY', JSON.stringify(ready));
    assert.equal(ready.AvailableProvisionedConcurrentExecutions, 2);
    const ran = await run('live');
    assert.equal(ran.executedVersion, '2');
    assert.equal(ran.marker, 'v2');
    assert.equal(ran.initType, 'provisioned-concurrency');
    assert.ok(
      ran.initialisedAt >= movedAt && ran.initialisedAt < Date.now() - ran.ms / 2,
      'initialised after the move, before the invoke',
    );
    assert.equal(assertInvocationLines(ran.logs, ran.requestId).initDurationMs, undefined);
    const old = await run('1');
    assert.equal(old.initType, 'on-demand', 'version 1 no longer has provisioned environments');
  });

  it('FAILED with a reason when the function cannot initialise', async () => {
    await createAndWait(client, {
      FunctionName: broken,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: {
        ZipFile: await nodeSource({
          'index.mjs': "throw new Error('no database');\nexport const handler = async () => 1;\n",
        }),
      },
      Publish: true,
    });
    const put = await client.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: broken,
        Qualifier: '1',
        ProvisionedConcurrentExecutions: 1,
      }),
    );
    assert.equal(put.Status, 'IN_PROGRESS');
    const failed = await settled(broken, '1');
    assert.equal(failed.Status, 'FAILED');
    assert.equal(failed.StatusReason, 'FUNCTION_ERROR_INIT_FAILURE');
    assert.equal(failed.AvailableProvisionedConcurrentExecutions, 0);
  });

  it('deletes idempotently; the environments go', async () => {
    const deleted = await client.send(
      new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: 'live' }),
    );
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await client.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: 'live' }));
    await expectLambdaError(
      client.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: 'live' })),
      {
        name: 'ProvisionedConcurrencyConfigNotFoundException',
        status: 404,
      },
    );
    const listed = await client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: fn }));
    assert.deepEqual(listed.ProvisionedConcurrencyConfigs, []);
    const ran = await run('live');
    assert.equal(ran.initType, 'on-demand');
  });
});
