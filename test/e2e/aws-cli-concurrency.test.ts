// Versions, aliases and concurrency through the AWS CLI v2 (Debian's awscli), against a Hearth
// started with HEARTH_ACCOUNT_CONCURRENCY=300 and HEARTH_MINIMUM_UNRESERVED=50: publish-version,
// create-alias, put-function-concurrency (and its unreserved minimum), get-account-settings, and
// provisioned concurrency on the alias.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aws, awsCliMissing } from '../support/aws-cli.js';
import { nodeEsmProbe } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { TEST_ROLE, uniqueName } from '../support/lambda.js';
import { assertInvocationLines } from '../support/log-assertions.js';
import { describeRun, type RunResult } from '../support/processes.js';

const missing = awsCliMissing();
if (missing) console.log(`# skipping the AWS CLI concurrency suite: ${missing}`);

function json<T = Record<string, unknown>>(result: RunResult): T {
  assert.equal(result.code, 0, describeRun(result));
  return JSON.parse(result.stdout) as T;
}

interface AccountSettings {
  readonly AccountLimit: { ConcurrentExecutions: number; UnreservedConcurrentExecutions: number };
}

interface ProvisionedConfig {
  readonly RequestedProvisionedConcurrentExecutions: number;
  readonly AvailableProvisionedConcurrentExecutions: number;
  readonly Status: string;
}

describe('AWS CLI v2: versions, aliases and concurrency', { skip: missing, timeout: 240_000 }, () => {
  let server: HearthServer;
  let work: string;
  const name = uniqueName('cli-conc');

  const settings = async (): Promise<AccountSettings> =>
    json<AccountSettings>(await aws(server, ['lambda', 'get-account-settings']));

  before(async () => {
    server = await startHearth({ env: { HEARTH_ACCOUNT_CONCURRENCY: '300', HEARTH_MINIMUM_UNRESERVED: '50' } });
    work = mkdtempSync(path.join(os.tmpdir(), 'hearth-cli-conc-'));
    writeFileSync(path.join(work, 'function.zip'), await nodeEsmProbe('cli-v1'));
    const created = await aws(
      server,
      [
        'lambda',
        'create-function',
        '--function-name',
        name,
        '--runtime',
        'nodejs20.x',
        '--handler',
        'index.handler',
        '--role',
        TEST_ROLE,
        '--zip-file',
        'fileb://function.zip',
      ],
      work,
    );
    assert.equal(created.code, 0, describeRun(created));
    const waited = await aws(server, ['lambda', 'wait', 'function-active-v2', '--function-name', name]);
    assert.equal(waited.code, 0, describeRun(waited));
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('publish-version and create-alias', async () => {
    const published = json<{ Version: string; FunctionArn: string }>(
      await aws(server, ['lambda', 'publish-version', '--function-name', name, '--description', 'first']),
    );
    assert.equal(published.Version, '1');
    assert.equal(published.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`);
    const alias = json<{ AliasArn: string; FunctionVersion: string }>(
      await aws(server, [
        'lambda',
        'create-alias',
        '--function-name',
        name,
        '--name',
        'live',
        '--function-version',
        '1',
      ]),
    );
    assert.equal(alias.AliasArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:live`);
    assert.equal(alias.FunctionVersion, '1');
  });

  it('get-account-settings reflects HEARTH_ACCOUNT_CONCURRENCY; put-function-concurrency keeps HEARTH_MINIMUM_UNRESERVED', async () => {
    const initial = await settings();
    assert.equal(initial.AccountLimit.ConcurrentExecutions, 300);
    assert.equal(initial.AccountLimit.UnreservedConcurrentExecutions, 300);

    const refused = await aws(server, [
      'lambda',
      'put-function-concurrency',
      '--function-name',
      name,
      '--reserved-concurrent-executions',
      '251',
    ]);
    assert.equal(refused.code, 254, describeRun(refused));
    assert.match(refused.stderr, /InvalidParameterValueException/);
    assert.match(refused.stderr, /below its minimum value of \[50\]/);

    const reserved = json<{ ReservedConcurrentExecutions: number }>(
      await aws(server, [
        'lambda',
        'put-function-concurrency',
        '--function-name',
        name,
        '--reserved-concurrent-executions',
        '250',
      ]),
    );
    assert.equal(reserved.ReservedConcurrentExecutions, 250);
    const got = json<{ ReservedConcurrentExecutions: number }>(
      await aws(server, ['lambda', 'get-function-concurrency', '--function-name', name]),
    );
    assert.equal(got.ReservedConcurrentExecutions, 250);
    assert.equal((await settings()).AccountLimit.UnreservedConcurrentExecutions, 50);
  });

  it('put-provisioned-concurrency-config on the alias; invoke through it has no Init Duration', async () => {
    const put = json<ProvisionedConfig>(
      await aws(server, [
        'lambda',
        'put-provisioned-concurrency-config',
        '--function-name',
        name,
        '--qualifier',
        'live',
        '--provisioned-concurrent-executions',
        '1',
      ]),
    );
    assert.equal(put.RequestedProvisionedConcurrentExecutions, 1);
    assert.equal(put.Status, 'IN_PROGRESS');
    const deadline = Date.now() + 60_000;
    let config: ProvisionedConfig;
    do {
      config = json<ProvisionedConfig>(
        await aws(server, [
          'lambda',
          'get-provisioned-concurrency-config',
          '--function-name',
          name,
          '--qualifier',
          'live',
        ]),
      );
    } while (config.Status === 'IN_PROGRESS' && Date.now() < deadline);
    assert.equal(config.Status, 'READY');
    assert.equal(config.AvailableProvisionedConcurrentExecutions, 1);

    const out = path.join(work, 'out.json');
    const result = json<{ StatusCode: number; ExecutedVersion: string; LogResult: string }>(
      await aws(server, [
        'lambda',
        'invoke',
        '--function-name',
        name,
        '--qualifier',
        'live',
        '--log-type',
        'Tail',
        out,
      ]),
    );
    assert.equal(result.ExecutedVersion, '1');
    const body = JSON.parse(readFileSync(out, 'utf8')) as { marker: string; requestId: string };
    assert.equal(body.marker, 'cli-v1');
    const report = assertInvocationLines(Buffer.from(result.LogResult, 'base64').toString('utf8'), body.requestId);
    assert.equal(report.initDurationMs, undefined);

    const listed = json<{ ProvisionedConcurrencyConfigs: Array<{ FunctionArn: string }> }>(
      await aws(server, ['lambda', 'list-provisioned-concurrency-configs', '--function-name', name]),
    );
    assert.deepEqual(
      listed.ProvisionedConcurrencyConfigs.map((c) => c.FunctionArn),
      [`arn:aws:lambda:us-east-1:000000000000:function:${name}:live`],
    );
  });

  it('delete-provisioned-concurrency-config and delete-function-concurrency give the pool back', async () => {
    const deleted = await aws(server, [
      'lambda',
      'delete-provisioned-concurrency-config',
      '--function-name',
      name,
      '--qualifier',
      'live',
    ]);
    assert.equal(deleted.code, 0, describeRun(deleted));
    const cleared = await aws(server, ['lambda', 'delete-function-concurrency', '--function-name', name]);
    assert.equal(cleared.code, 0, describeRun(cleared));
    assert.equal((await settings()).AccountLimit.UnreservedConcurrentExecutions, 300);
  });
});
