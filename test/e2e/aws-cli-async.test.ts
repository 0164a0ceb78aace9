// Asynchronous invocation through the AWS CLI v2 (/usr/bin/aws): `lambda invoke
// --invocation-type Event` answers StatusCode 202 and the function runs; the event invoke config
// commands work and refuse out-of-range settings with AWS's ValidationException.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { aws, awsCliMissing } from '../support/aws-cli.js';
import { functionLogLines, waitFor } from '../support/function-logs.js';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, lambdaClient, uniqueName } from '../support/lambda.js';
import { describeRun, type RunResult } from '../support/processes.js';

const missing = awsCliMissing();
if (missing) console.log(`# skipping the AWS CLI async suite: ${missing}`);

function json<T>(result: RunResult): T {
  assert.equal(result.code, 0, describeRun(result));
  return JSON.parse(result.stdout) as T;
}

describe('AWS CLI v2: async invoke', { skip: missing, timeout: 180_000 }, () => {
  let server: HearthServer;
  let work: string;
  const name = uniqueName('cli-async');

  before(async () => {
    server = await startHearth();
    work = mkdtempSync(path.join(os.tmpdir(), 'hearth-cli-async-'));
    const client = lambdaClient(server);
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: {
        ZipFile: await nodeSource({
          'index.mjs':
            "export const handler = async (event, context) => { console.log('RAN ' + event.from + ' ' + context.awsRequestId); };\n",
        }),
      },
    });
    client.destroy();
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('invoke --invocation-type Event: StatusCode 202, an empty outfile, then the function runs', async () => {
    const out = path.join(work, 'out.json');
    const result = json<{ StatusCode: number }>(
      await aws(server, [
        'lambda',
        'invoke',
        '--function-name',
        name,
        '--invocation-type',
        'Event',
        '--cli-binary-format',
        'raw-in-base64-out',
        '--payload',
        '{"from":"cli"}',
        out,
      ]),
    );
    assert.equal(result.StatusCode, 202);
    assert.equal(readFileSync(out, 'utf8'), '');
    await waitFor(
      () => functionLogLines(server, name),
      (lines) => lines.some((line) => line.includes('RAN cli ')),
    );
  });

  it('put/get-function-event-invoke-config, and 400 ValidationException for 3 retries', async () => {
    const put = json<{ FunctionArn: string; MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number }>(
      await aws(server, [
        'lambda',
        'put-function-event-invoke-config',
        '--function-name',
        name,
        '--maximum-retry-attempts',
        '0',
        '--maximum-event-age-in-seconds',
        '600',
      ]),
    );
    assert.equal(put.FunctionArn, `arn:aws:lambda:us-east-1:000000000000:function:${name}:$LATEST`);
    assert.deepEqual([put.MaximumRetryAttempts, put.MaximumEventAgeInSeconds], [0, 600]);
    const got = json<{ MaximumRetryAttempts: number }>(
      await aws(server, ['lambda', 'get-function-event-invoke-config', '--function-name', name]),
    );
    assert.equal(got.MaximumRetryAttempts, 0);
    const refused = await aws(server, [
      'lambda',
      'put-function-event-invoke-config',
      '--function-name',
      name,
      '--maximum-retry-attempts',
      '3',
    ]);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /\(ValidationException\) when calling the PutFunctionEventInvokeConfig operation.*?: 1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2/,
    );
  });
});
