// The `hearth` command as a user drives it: env, deploy, invoke, ls, logs, rm. Client commands
// find the server through AWS_ENDPOINT_URL and the AWS_* credentials.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AWS_CLI, awsCliMissing, awsEnv } from '../support/aws-cli.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { uniqueName } from '../support/lambda.js';
import { describeRun, run, type RunResult } from '../support/processes.js';
import { childEnv, hearthBin, repoRoot } from '../support/repo-root.js';

function hearth(server: HearthServer, args: readonly string[]): Promise<RunResult> {
  return run(process.execPath, [hearthBin(), ...args], { env: awsEnv(server), cwd: repoRoot() });
}

function writeFunction(dir: string, marker: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'index.mjs'),
    `export const handler = async (event) => {
  console.log('cli function ran');
  if (event.fail) throw new Error('asked to fail');
  return { marker: ${JSON.stringify(marker)}, x: event.x ?? null, greeting: process.env.GREETING ?? null };
};
`,
  );
}

describe('hearth CLI', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let work: string;
  const name = uniqueName('cli-deploy');

  before(async () => {
    server = await startHearth();
    work = mkdtempSync(path.join(os.tmpdir(), 'hearth-cli-'));
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('hearth deploy creates a function from a directory, ready to invoke', async () => {
    const dir = path.join(work, 'fn');
    writeFunction(dir, 'one');
    const deployed = await hearth(server, [
      'deploy',
      dir,
      '--name',
      name,
      '--runtime',
      'nodejs20.x',
      '--handler',
      'index.handler',
      '--env',
      'GREETING=salut',
    ]);
    assert.equal(deployed.code, 0, describeRun(deployed));
    assert.match(deployed.stdout + deployed.stderr, new RegExp(name));
  });

  it('hearth invoke prints the result and exits 0', async () => {
    const invoked = await hearth(server, ['invoke', name, '--payload', '{"x":1}']);
    assert.equal(invoked.code, 0, describeRun(invoked));
    const printed = JSON.parse(invoked.stdout.trim()) as { marker: string; x: number; greeting: string };
    assert.deepEqual(printed, { marker: 'one', x: 1, greeting: 'salut' });
  });

  it('hearth invoke exits 1 and shows the error when the function fails', async () => {
    const failed = await hearth(server, ['invoke', name, '--payload', '{"fail":true}']);
    assert.equal(failed.code, 1, describeRun(failed));
    assert.match(failed.stdout + failed.stderr, /asked to fail/);
  });

  it('hearth deploy again updates the code of the existing function', async () => {
    const dir = path.join(work, 'fn');
    writeFunction(dir, 'two');
    const redeployed = await hearth(server, [
      'deploy',
      dir,
      '--name',
      name,
      '--runtime',
      'nodejs20.x',
      '--handler',
      'index.handler',
    ]);
    assert.equal(redeployed.code, 0, describeRun(redeployed));
    const invoked = await hearth(server, ['invoke', name, '--payload', '{"x":2}']);
    assert.equal(invoked.code, 0, describeRun(invoked));
    assert.equal((JSON.parse(invoked.stdout.trim()) as { marker: string }).marker, 'two');
  });

  it('hearth ls lists the function', async () => {
    const listed = await hearth(server, ['ls']);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.match(listed.stdout, new RegExp(`^.*\\b${name}\\b.*nodejs20\\.x.*$`, 'm'));
  });

  it('hearth logs shows START and REPORT lines and the function output', async () => {
    const logs = await hearth(server, ['logs', name]);
    assert.equal(logs.code, 0, describeRun(logs));
    assert.match(logs.stdout, /START RequestId: \S+/);
    assert.match(logs.stdout, /REPORT RequestId: \S+\s+Duration: [\d.]+ ms/);
    assert.match(logs.stdout, /cli function ran/);
  });

  it('hearth rm deletes it', async () => {
    const removed = await hearth(server, ['rm', name]);
    assert.equal(removed.code, 0, describeRun(removed));
    const listed = await hearth(server, ['ls']);
    assert.equal(listed.code, 0, describeRun(listed));
    assert.doesNotMatch(listed.stdout, new RegExp(name));
    const invoked = await hearth(server, ['invoke', name]);
    assert.notEqual(invoked.code, 0);
    assert.match(invoked.stdout + invoked.stderr, /Function not found|ResourceNotFoundException/);
  });
});

const noCli = awsCliMissing();

describe('hearth env with generated credentials', { skip: noCli, timeout: 120_000 }, () => {
  let server: HearthServer;

  before(async () => {
    // No HEARTH_ACCESS_KEY_ID: the server generates keys into its data dir, and `hearth env`
    // must find them there.
    server = await startHearth({ generateCredentials: true });
  });
  after(async () => {
    await server?.stop();
  });

  it('its output can be eval-ed so that the AWS CLI reaches the server', async () => {
    // HEARTH_PORT tells `hearth env` which port the server took (it was started with --port 0).
    const script = `set -e
eval "$("${process.execPath}" "${hearthBin()}" env --data-dir "${server.dataDir}")"
test -n "$AWS_ACCESS_KEY_ID" && test -n "$AWS_SECRET_ACCESS_KEY" && test -n "$AWS_REGION"
echo "endpoint=$AWS_ENDPOINT_URL"
${AWS_CLI} lambda list-functions --endpoint-url "$AWS_ENDPOINT_URL" --output json`;
    const result = await run('bash', ['-c', script], {
      env: childEnv({
        HEARTH_PORT: String(server.port),
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_PAGER: '',
      }),
    });
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, new RegExp(`^endpoint=http://127\\.0\\.0\\.1:${server.port}/?$`, 'm'));
    const listed = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { Functions: unknown[] };
    assert.deepEqual(listed.Functions, []);
  });
});
