// Known-answer check against real clients: requests signed by AWS SDK v3, the AWS CLI v2 and
// boto3 must verify on our server (ARNs with colons in the path, spaces in the query, binary
// bodies), and a wrong secret or unknown key must fail the way AWS fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { GetFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { createApiServer } from '../server.js';
import type { ApiRequest, Route } from '../route.js';
import { staticCredentials } from './credentials.js';

const operator = { accessKeyId: 'AKIAHEARTHTESTKEY000', secretAccessKey: 'test/secret+key/0123456789abcdefghijklmn' };
const seen: ApiRequest[] = [];
const record =
  (status: number, body: unknown): Route['handler'] =>
  async (request) => {
    seen.push(request);
    return { status, body };
  };
const routes: Route[] = [
  {
    operation: 'ListFunctions',
    method: 'GET',
    path: '/2015-03-31/functions/',
    handler: record(200, { Functions: [] }),
  },
  { operation: 'GetFunction', method: 'GET', path: '/2015-03-31/functions/{FunctionName}', handler: record(200, {}) },
  {
    operation: 'Invoke',
    method: 'POST',
    path: '/2015-03-31/functions/{FunctionName}/invocations',
    handler: async (request) => {
      seen.push(request);
      return { status: 200, body: request.body };
    },
  },
];

let server: Server;
let endpoint: string;

before(async () => {
  server = createApiServer({ routes, credentials: staticCredentials(operator), region: 'us-east-1' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(credentials = operator): LambdaClient {
  return new LambdaClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}

function last(): ApiRequest {
  const request = seen[seen.length - 1];
  assert.ok(request, 'the handler was called');
  return request;
}

test('AWS SDK v3: GetFunction with a full ARN (colons in the path) verifies', async () => {
  const arn = 'arn:aws:lambda:us-east-1:000000000000:function:f';
  await client().send(new GetFunctionCommand({ FunctionName: arn }));
  assert.equal(last().params['FunctionName'], arn);
  assert.equal(last().accessKeyId, operator.accessKeyId);
  assert.match(last().rawPath, /arn%3Aaws%3Alambda/);
});

test('AWS SDK v3: ListFunctions with a query that needs encoding verifies', async () => {
  await client().send(new ListFunctionsCommand({ MaxItems: 5, Marker: 'a b/c+d' }));
  assert.equal(last().query.get('Marker'), 'a b/c+d');
  assert.equal(last().query.get('MaxItems'), '5');
});

test('AWS SDK v3: Invoke with a binary body verifies and the body arrives intact', async () => {
  const payload = Uint8Array.from({ length: 3000 }, (_, i) => (i * 37) % 256);
  const out = await client().send(
    new InvokeCommand({ FunctionName: 'f', Qualifier: '$LATEST', Payload: payload, InvocationType: 'RequestResponse' }),
  );
  assert.deepEqual(Buffer.from(last().body), Buffer.from(payload));
  assert.deepEqual(Buffer.from(out.Payload ?? []), Buffer.from(payload));
  assert.equal(last().query.get('Qualifier'), '$LATEST');
});

test('AWS SDK v3: a wrong secret is InvalidSignatureException, an unknown key UnrecognizedClientException', async () => {
  await assert.rejects(
    client({ ...operator, secretAccessKey: 'wrong' }).send(new ListFunctionsCommand({})),
    (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(error.name, 'InvalidSignatureException');
      assert.match(error.message, /^The request signature we calculated does not match/);
      assert.equal(error.$metadata?.httpStatusCode, 403);
      return true;
    },
  );
  await assert.rejects(
    client({ ...operator, accessKeyId: 'AKIAUNKNOWN000000000' }).send(new ListFunctionsCommand({})),
    (error: Error) => {
      assert.equal(error.name, 'UnrecognizedClientException');
      assert.equal(error.message, 'The security token included in the request is invalid.');
      return true;
    },
  );
});

function run(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

function clientEnv(secret = operator.secretAccessKey): Record<string, string> {
  return {
    PATH: '/usr/bin:/bin',
    HOME: '/tmp',
    AWS_ACCESS_KEY_ID: operator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secret,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
  };
}

const AWS_CLI = '/usr/bin/aws';
test(
  'AWS CLI v2: list-functions (trailing slash), get-function with an ARN and invoke verify',
  { skip: existsSync(AWS_CLI) ? false : `${AWS_CLI} is not installed` },
  async () => {
    const base = ['--endpoint-url', endpoint, '--output', 'json', 'lambda'];
    const list = await run(AWS_CLI, [...base, 'list-functions'], clientEnv());
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout), { Functions: [] });
    assert.equal(last().rawPath, '/2015-03-31/functions/', 'the CLI sends the trailing slash');

    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:cli-fn:prod';
    const get = await run(AWS_CLI, [...base, 'get-function', '--function-name', arn], clientEnv());
    assert.equal(get.code, 0, get.stderr);
    assert.equal(last().params['FunctionName'], arn);

    const dir = await mkdtemp(path.join(os.tmpdir(), 'hearth-cli-'));
    try {
      const outfile = path.join(dir, 'out.json');
      const invoke = await run(
        AWS_CLI,
        [
          ...base,
          'invoke',
          '--function-name',
          'f',
          '--cli-binary-format',
          'raw-in-base64-out',
          '--payload',
          '{"x": "a b"}',
          outfile,
        ],
        clientEnv(),
      );
      assert.equal(invoke.code, 0, invoke.stderr);
      assert.equal(last().body.toString(), '{"x": "a b"}');
      assert.equal(await readFile(outfile, 'utf8'), '{"x": "a b"}');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const denied = await run(AWS_CLI, [...base, 'list-functions'], clientEnv('wrong'));
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /InvalidSignatureException/);
  },
);

const PYTHON = '/usr/bin/python3';
const BOTO3_SCRIPT = `
import sys, json, boto3
c = boto3.client('lambda', endpoint_url=sys.argv[1], region_name='us-east-1')
c.list_functions(MaxItems=5, Marker='a b')
c.get_function(FunctionName='arn:aws:lambda:us-east-1:000000000000:function:boto-fn')
r = c.invoke(FunctionName='f', Payload=b'{"bin": "\\xe2\\x82\\xac"}')
print(json.dumps({"payload": r["Payload"].read().decode("utf-8")}))
`;
test('boto3: list_functions, get_function with an ARN and invoke verify', async (t) => {
  if (!existsSync(PYTHON)) return t.skip(`${PYTHON} is not installed`);
  const probe = await run(PYTHON, ['-c', 'import boto3'], clientEnv());
  if (probe.code !== 0) return t.skip('boto3 is not installed for /usr/bin/python3');
  const result = await run(PYTHON, ['-c', BOTO3_SCRIPT, endpoint], clientEnv());
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { payload: '{"bin": "€"}' });
  const list = seen.find((r) => r.query.get('Marker') === 'a b');
  assert.ok(list, 'ListFunctions reached the handler');
  assert.ok(seen.some((r) => r.params['FunctionName'] === 'arn:aws:lambda:us-east-1:000000000000:function:boto-fn'));
});
