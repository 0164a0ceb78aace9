// The commands, run as a user would run them, against a fake server that checks signatures.
// (The real server is exercised by the end-to-end tests under test/.)
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { runCli } from './run-cli.js';
import { tempFolder } from './testing/temp-folders.js';
import { FAKE_CREDENTIALS, startFakeLambdaServer, type FakeLambdaServer } from './testing/fake-lambda-server.js';

let server: FakeLambdaServer;

before(async () => {
  server = await startFakeLambdaServer();
});
after(() => server.close());
beforeEach(() => {
  // What `eval "$(hearth env)"` would have set.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: server.url,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
  });
  delete process.env['AWS_ENDPOINT_URL_LAMBDA'];
  server.functions.clear();
  server.requests.length = 0;
  server.logs.length = 0;
});

async function hearth(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'hearth', ...args], {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function helloFolder(): Promise<string> {
  const dir = await tempFolder('hearth-cli-');
  await writeFile(path.join(dir, 'index.mjs'), 'export const handler = async (e) => e;\n');
  return dir;
}

test('deploy creates the function, waits until Active and prints a summary', async () => {
  const result = await hearth(
    'deploy',
    await helloFolder(),
    '--name',
    'hello',
    '--runtime',
    'nodejs22.x',
    '--handler',
    'index.handler',
    '--env',
    'AA=1',
    '--env',
    'BB=two words',
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Created hello \(nodejs22\.x, \d+ B, CodeSha256 unknown\)\n$/);
  const fn = server.functions.get('hello');
  assert.equal(fn?.config['State'], 'Active');
  assert.deepEqual(fn?.config['Environment'], { Variables: { AA: '1', BB: 'two words' } });
  assert.equal(fn?.config['Role'], 'arn:aws:iam::000000000000:role/hearth-function');
  // It polled until the function settled instead of returning while Pending.
  assert.ok(server.requests.filter((r) => r === 'GET /2015-03-31/functions/hello/configuration').length >= 3);
});

test('deploying again updates code, then configuration, each after the last update finished', async () => {
  const dir = await helloFolder();
  assert.equal(
    (await hearth('deploy', dir, '--name', 'hello', '--runtime', 'nodejs22.x', '--handler', 'index.handler')).code,
    0,
  );
  server.requests.length = 0;
  const result = await hearth('deploy', dir, '--name', 'hello', '--memory', '512');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Updated hello /);
  assert.equal(server.functions.get('hello')?.config['MemorySize'], 512);
  const writes = server.requests.filter((r) => r.startsWith('PUT'));
  assert.deepEqual(writes, ['PUT /2015-03-31/functions/hello/code', 'PUT /2015-03-31/functions/hello/configuration']);
});

test('deploy stops with the reason when the function ends up Failed', async () => {
  const dir = await helloFolder();
  const deploying = hearth('deploy', dir, '--name', 'bad', '--runtime', 'cobol', '--handler', 'x');
  // Make the fake settle to Failed once the create has landed.
  const waitForCreate = async (): Promise<void> => {
    while (!server.functions.has('bad')) await new Promise((resolve) => setImmediate(resolve));
  };
  await waitForCreate();
  server.functions.get('bad')!.settlesTo = { failed: 'Runtime cobol is not supported' };
  const result = await deploying;
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    'Error: Function bad is not usable — State Failed: InvalidRuntime: Runtime cobol is not supported\n',
  );
});

test('deploy of a new function without --runtime/--handler says what is missing', async () => {
  const result = await hearth('deploy', await helloFolder(), '--name', 'new-one');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error: Function new-one does not exist yet; creating it needs --runtime and --handler/);
});

test('invoke prints the response body; --qualifier and --payload @file reach the server', async () => {
  await hearth(
    'deploy',
    await helloFolder(),
    '--name',
    'hello',
    '--runtime',
    'nodejs22.x',
    '--handler',
    'index.handler',
  );
  const dir = await tempFolder('hearth-cli-');
  await writeFile(path.join(dir, 'event.json'), '{"a":1}');
  const result = await hearth(
    'invoke',
    'hello',
    '--payload',
    `@${path.join(dir, 'event.json')}`,
    '--qualifier',
    '$LATEST',
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { echo: { a: 1 }, qualifier: '$LATEST' });
  assert.equal(result.stderr, '');
});

test('invoke with a function error prints the body, names the error on stderr and exits 1', async () => {
  await hearth(
    'deploy',
    await helloFolder(),
    '--name',
    'hello',
    '--runtime',
    'nodejs22.x',
    '--handler',
    'index.handler',
  );
  const result = await hearth('invoke', 'hello', '--payload', '{"fail":true}', '--tail');
  assert.equal(result.code, 1);
  assert.deepEqual(JSON.parse(result.stdout), { errorType: 'Error', errorMessage: 'boom', trace: [] });
  assert.equal(result.stderr, 'START RequestId: r1\nEND RequestId: r1\nFunction error (Unhandled): Error: boom\n');
});

test('an AWS error is printed as "Error (Type): message" without a stack, exit 1', async () => {
  const result = await hearth('invoke', 'missing');
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    'Error (ResourceNotFoundException): Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing\n',
  );
});

test('a wrong secret is refused by the server and reported as such', async () => {
  process.env['AWS_SECRET_ACCESS_KEY'] = 'wrong';
  const result = await hearth('ls');
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^Error \(InvalidSignatureException\): The request signature we calculated does not match/,
  );
});

test('ls follows every page and shows each function once, with its state', async () => {
  const dir = await helloFolder();
  for (const name of ['f1', 'f2', 'f3', 'f4', 'f5']) {
    assert.equal(
      (await hearth('deploy', dir, '--name', name, '--runtime', 'python3.12', '--handler', 'app.handler')).code,
      0,
    );
  }
  const result = await hearth('ls');
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^NAME +RUNTIME +MEMORY +TIMEOUT +STATE +LAST MODIFIED$/);
  assert.deepEqual(
    lines.slice(1).map((line) => line.split(/\s{2,}/)[0]),
    ['f1', 'f2', 'f3', 'f4', 'f5'],
  );
  assert.match(lines[1] ?? '', /^f1 +python3\.12 +128 MB +3 s +Active +2026-11-22T10:00:00\.000\+0000$/);
  assert.ok(server.requests.includes('GET /2015-03-31/functions?Marker=4&MaxItems=50'));
});

test('ls with no functions says how to create one', async () => {
  const result = await hearth('ls');
  assert.equal(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /No functions yet\. Create one with: hearth deploy/);
});

test('rm deletes the function', async () => {
  await hearth(
    'deploy',
    await helloFolder(),
    '--name',
    'gone',
    '--runtime',
    'nodejs22.x',
    '--handler',
    'index.handler',
  );
  const result = await hearth('rm', 'gone');
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'Deleted function gone\n');
  assert.equal(server.functions.has('gone'), false);
  assert.equal((await hearth('rm', 'gone')).code, 1);
});

test('logs prints every stored line across pages, and --since-seq skips the earlier ones', async () => {
  await hearth(
    'deploy',
    await helloFolder(),
    '--name',
    'hello',
    '--runtime',
    'nodejs22.x',
    '--handler',
    'index.handler',
  );
  const messages = [
    'START RequestId: a',
    'hello from the function\n',
    'END RequestId: a',
    'REPORT RequestId: a\tDuration: 1.00 ms',
  ];
  messages.forEach((message, i) => server.logs.push({ seq: i + 1, timestamp: 0, logStream: 's', message }));
  const all = await hearth('logs', 'hello');
  assert.equal(all.code, 0, all.stderr);
  assert.equal(
    all.stdout,
    'START RequestId: a\nhello from the function\nEND RequestId: a\nREPORT RequestId: a\tDuration: 1.00 ms\n',
  );
  const later = await hearth('logs', 'hello', '--since-seq', '2');
  assert.equal(later.stdout, 'END RequestId: a\nREPORT RequestId: a\tDuration: 1.00 ms\n');
});

test('logs --follow prints lines as they arrive and stops cleanly on Ctrl-C', async () => {
  await hearth(
    'deploy',
    await helloFolder(),
    '--name',
    'hello',
    '--runtime',
    'nodejs22.x',
    '--handler',
    'index.handler',
  );
  server.logs.push({ seq: 1, timestamp: 0, logStream: 's', message: 'first' });
  let stdout = '';
  const following = runCli(['node', 'hearth', 'logs', 'hello', '--follow'], {
    stdout: (text) => void (stdout += text),
    stderr: () => undefined,
  });
  const printed = async (text: string): Promise<void> => {
    while (!stdout.includes(text)) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  await printed('first\n');
  server.logs.push({ seq: 2, timestamp: 0, logStream: 's', message: 'second' });
  await printed('second\n');
  process.emit('SIGINT');
  assert.equal(await following, 0);
  assert.equal(stdout, 'first\nsecond\n');
});

test("usage mistakes exit 1 with commander's message; --help exits 0", async () => {
  const missing = await hearth('invoke');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /missing required argument 'name'/);
  const help = await hearth('deploy', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--runtime <runtime>/);
  const badFlag = await hearth('deploy', '.', '--name', 'x', '--memory', 'lots');
  assert.equal(badFlag.code, 1);
  assert.equal(badFlag.stderr, 'Error: --memory must be a whole number of at least 1, not "lots".\n');
});

test('an unreachable server gets a message that says what to do', async () => {
  const closed = await closedPort();
  process.env['AWS_ENDPOINT_URL'] = `http://127.0.0.1:${closed}`;
  const result = await hearth('ls');
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    `Error: Cannot reach Hearth at http://127.0.0.1:${closed} — is \`hearth start\` running? (AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_LAMBDA points there; unset it to use the local default)\n`,
  );
  delete process.env['AWS_ENDPOINT_URL'];
  process.env['HEARTH_PORT'] = String(closed);
  process.env['HEARTH_DATA_DIR'] = await tempFolder('hearth-cli-data-'); // its keys are generated here
  const local = await hearth('ls');
  assert.equal(
    local.stderr,
    `Error: Cannot reach Hearth at http://127.0.0.1:${closed} — is \`hearth start\` running? (set AWS_ENDPOINT_URL to point elsewhere)\n`,
  );
  delete process.env['HEARTH_PORT'];
  delete process.env['HEARTH_DATA_DIR'];
});

test('a bootstrap deployed with deploy keeps its executable bit in the uploaded zip', async () => {
  const dir = await helloFolder();
  await writeFile(path.join(dir, 'bootstrap'), '#!/bin/sh\n');
  await chmod(path.join(dir, 'bootstrap'), 0o755);
  await hearth('deploy', dir, '--name', 'custom', '--runtime', 'provided.al2023', '--handler', 'x');
  const zip = server.functions.get('custom')?.zip ?? Buffer.alloc(0);
  // Central directory entry for "bootstrap": external attributes hold 0o100755 in the high 16 bits.
  const at = zip.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
  assert.ok(at >= 0);
  assert.equal(zip.readUInt32LE(at + 38) >>> 16, 0o100755);
});
