// The AWS CLI v2 (Debian's awscli) against Hearth, unchanged except for the endpoint.
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
if (missing) console.log(`# skipping the AWS CLI suite: ${missing}`);

function json<T = Record<string, unknown>>(result: RunResult): T {
  assert.equal(result.code, 0, describeRun(result));
  return JSON.parse(result.stdout) as T;
}

describe('AWS CLI v2', { skip: missing, timeout: 240_000 }, () => {
  let server: HearthServer;
  let work: string;
  const name = uniqueName('cli-fn');
  let arn: string;

  before(async () => {
    server = await startHearth();
    work = mkdtempSync(path.join(os.tmpdir(), 'hearth-cli-'));
    writeFileSync(path.join(work, 'function.zip'), await nodeEsmProbe('cli'));
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('create-function from fileb:// and wait function-active-v2', async () => {
    const created = json<{ FunctionName: string; FunctionArn: string; Runtime: string }>(
      await aws(
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
          '--environment',
          'Variables={GREETING=hi}',
        ],
        work,
      ),
    );
    assert.equal(created.FunctionName, name);
    assert.equal(created.Runtime, 'nodejs20.x');
    arn = created.FunctionArn;
    assert.equal(arn, `arn:aws:lambda:us-east-1:000000000000:function:${name}`);
    const waited = await aws(server, ['lambda', 'wait', 'function-active-v2', '--function-name', name]);
    assert.equal(waited.code, 0, describeRun(waited));
  });

  it('invoke with a raw payload and a log tail', async () => {
    const out = path.join(work, 'out.json');
    const result = json<{ StatusCode: number; LogResult: string; ExecutedVersion: string; FunctionError?: string }>(
      await aws(server, [
        'lambda',
        'invoke',
        '--function-name',
        name,
        '--cli-binary-format',
        'raw-in-base64-out',
        '--payload',
        '{"from":"cli"}',
        '--log-type',
        'Tail',
        out,
      ]),
    );
    assert.equal(result.StatusCode, 200);
    assert.equal(result.FunctionError, undefined);
    assert.equal(result.ExecutedVersion, '$LATEST');
    const body = JSON.parse(readFileSync(out, 'utf8')) as {
      event: unknown;
      greeting: string;
      requestId: string;
      marker: string;
    };
    assert.deepEqual(body.event, { from: 'cli' });
    assert.equal(body.greeting, 'hi');
    assert.equal(body.marker, 'cli');
    assertInvocationLines(Buffer.from(result.LogResult, 'base64').toString('utf8'), body.requestId);
  });

  it('get-function-configuration, update-function-configuration and wait function-updated-v2', async () => {
    const config = json<{ FunctionName: string; MemorySize: number; Timeout: number }>(
      await aws(server, ['lambda', 'get-function-configuration', '--function-name', name]),
    );
    assert.equal(config.FunctionName, name);
    assert.equal(config.MemorySize, 128);
    assert.equal(config.Timeout, 3);
    const updated = json<{ MemorySize: number; Environment: { Variables: Record<string, string> } }>(
      await aws(server, [
        'lambda',
        'update-function-configuration',
        '--function-name',
        name,
        '--memory-size',
        '256',
        '--environment',
        'Variables={GREETING=howdy}',
      ]),
    );
    assert.equal(updated.MemorySize, 256);
    assert.deepEqual(updated.Environment.Variables, { GREETING: 'howdy' });
    const waited = await aws(server, ['lambda', 'wait', 'function-updated-v2', '--function-name', name]);
    assert.equal(waited.code, 0, describeRun(waited));
    const out = path.join(work, 'out2.json');
    json(await aws(server, ['lambda', 'invoke', '--function-name', name, out]));
    const body = JSON.parse(readFileSync(out, 'utf8')) as { greeting: string; memoryLimitInMB: string; event: unknown };
    assert.equal(body.greeting, 'howdy');
    assert.equal(body.memoryLimitInMB, '256');
    assert.deepEqual(body.event, {}, 'no --payload means an empty event');
  });

  it('list-functions shows the function', async () => {
    const listed = json<{ Functions: Array<{ FunctionName: string; MemorySize: number }> }>(
      await aws(server, ['lambda', 'list-functions']),
    );
    assert.deepEqual(
      listed.Functions.map((f) => [f.FunctionName, f.MemorySize]),
      [[name, 256]],
    );
  });

  it('tag-resource, list-tags and untag-resource', async () => {
    const tagged = await aws(server, ['lambda', 'tag-resource', '--resource', arn, '--tags', 'team=core,env=test']);
    assert.equal(tagged.code, 0, describeRun(tagged));
    assert.deepEqual(
      json<{ Tags: Record<string, string> }>(await aws(server, ['lambda', 'list-tags', '--resource', arn])).Tags,
      {
        team: 'core',
        env: 'test',
      },
    );
    const untagged = await aws(server, ['lambda', 'untag-resource', '--resource', arn, '--tag-keys', 'team']);
    assert.equal(untagged.code, 0, describeRun(untagged));
    assert.deepEqual(
      json<{ Tags: Record<string, string> }>(await aws(server, ['lambda', 'list-tags', '--resource', arn])).Tags,
      {
        env: 'test',
      },
    );
  });

  it('get-account-settings reports limits and usage', async () => {
    const settings = json<{ AccountLimit: Record<string, number>; AccountUsage: Record<string, number> }>(
      await aws(server, ['lambda', 'get-account-settings']),
    );
    assert.equal(typeof settings.AccountLimit['ConcurrentExecutions'], 'number');
    assert.equal(typeof settings.AccountLimit['CodeSizeZipped'], 'number');
    assert.equal(settings.AccountUsage['FunctionCount'], 1);
  });

  it('delete-function, then invoking it exits 254 with ResourceNotFoundException', async () => {
    const deleted = await aws(server, ['lambda', 'delete-function', '--function-name', name]);
    assert.equal(deleted.code, 0, describeRun(deleted));
    const missingInvoke = await aws(server, [
      'lambda',
      'invoke',
      '--function-name',
      name,
      path.join(work, 'never.json'),
    ]);
    assert.equal(missingInvoke.code, 254, describeRun(missingInvoke));
    assert.match(missingInvoke.stderr, /ResourceNotFoundException/);
    assert.match(missingInvoke.stderr, /Function not found/);
  });
});
