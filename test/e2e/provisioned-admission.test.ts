// Provisioned concurrency belongs to the version it is configured for (directly or through an
// alias), through the AWS SDK v3: invokes of that version are served by its provisioned
// environments first and spill over to on-demand past them; invokes of $LATEST never take them;
// with a reservation, on-demand invokes get what provisioning leaves of it.
import {
  CreateAliasCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  TooManyRequestsException,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, lambdaClient, uniqueName } from '../support/lambda.js';

interface Outcome {
  /** AWS_LAMBDA_INITIALIZATION_TYPE of the environment that ran it, or the 429's Reason. */
  readonly ran?: string;
  readonly throttled?: string;
}

describe('Provisioned concurrency is per version (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const fn = uniqueName('pc-admission');

  /** `count` invokes at once, each holding its environment for 2 s; sorted outcomes. */
  async function burst(qualifier: string | undefined, count: number): Promise<string[]> {
    const send = async (): Promise<Outcome> => {
      try {
        const out = await client.send(
          new InvokeCommand({ FunctionName: fn, Qualifier: qualifier, Payload: Buffer.from('{"sleepMs":2000}') }),
        );
        assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
        return { ran: (JSON.parse(Buffer.from(out.Payload ?? []).toString()) as { initType: string }).initType };
      } catch (error) {
        assert.ok(error instanceof TooManyRequestsException, String(error));
        return { throttled: error.Reason ?? '' };
      }
    };
    const outcomes = await Promise.all(Array.from({ length: count }, send));
    return outcomes.map((o) => (o.ran !== undefined ? `ran ${o.ran}` : `429 ${o.throttled}`)).sort();
  }

  before(async () => {
    // Room for 4 at once in the account, at least 1 of them unreserved.
    server = await startHearth({ env: { HEARTH_ACCOUNT_CONCURRENCY: '4', HEARTH_MINIMUM_UNRESERVED: '1' } });
    client = lambdaClient(server);
    await createAndWait(client, {
      FunctionName: fn,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: {
        ZipFile: await nodeSource({
          'index.mjs': [
            'export const handler = async (event) => {',
            '  await new Promise((r) => setTimeout(r, event.sleepMs ?? 0));',
            '  return { initType: process.env.AWS_LAMBDA_INITIALIZATION_TYPE };',
            '};',
            '',
          ].join('\n'),
        }),
      },
    });
    await client.send(new PublishVersionCommand({ FunctionName: fn }));
    await client.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '1' }));
    await client.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: fn,
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 2,
      }),
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const got = await client.send(
        new GetProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: 'live' }),
      );
      if (got.Status === 'READY') break;
      assert.ok(got.Status === 'IN_PROGRESS' && Date.now() < deadline, JSON.stringify(got));
      await delay(50);
    }
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('$LATEST gets only the unreserved pool (4 − 2 provisioned = 2), never version 1’s provisioned environments', async () => {
    assert.deepEqual(await burst(undefined, 4), [
      '429 ConcurrentInvocationLimitExceeded',
      '429 ConcurrentInvocationLimitExceeded',
      'ran on-demand',
      'ran on-demand',
    ]);
  });

  it('the alias is served by its 2 provisioned environments first, then spills over to the unreserved pool', async () => {
    assert.deepEqual(await burst('live', 5), [
      '429 ConcurrentInvocationLimitExceeded',
      'ran on-demand',
      'ran on-demand',
      'ran provisioned-concurrency',
      'ran provisioned-concurrency',
    ]);
  });

  it('the version itself shares the alias’s provisioned environments (they belong to version 1)', async () => {
    assert.deepEqual(await burst('1', 2), ['ran provisioned-concurrency', 'ran provisioned-concurrency']);
  });

  it('with reserved concurrency 3, provisioned concurrency 2 counts toward it: on demand gets 1', async () => {
    await client.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 3 }));
    const [latest, live] = await Promise.all([burst(undefined, 3), burst('live', 2)]);
    assert.deepEqual(latest, [
      '429 ReservedFunctionConcurrentInvocationLimitExceeded',
      '429 ReservedFunctionConcurrentInvocationLimitExceeded',
      'ran on-demand',
    ]);
    assert.deepEqual(live, ['ran provisioned-concurrency', 'ran provisioned-concurrency']);
  });
});
