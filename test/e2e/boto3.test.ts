// boto3 (Debian's python3-boto3) against Hearth: test/python/boto3_lifecycle.py does the calls.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { describeRun, run, succeeds } from '../support/processes.js';
import { childEnv, repoRoot } from '../support/repo-root.js';

/** /usr/bin/python3 (Debian's boto3) first, then whatever python3 is on PATH. */
function pythonWithBoto3(): string | undefined {
  return ['/usr/bin/python3', 'python3'].find((python) => succeeds(python, ['-c', 'import boto3']));
}

const python = pythonWithBoto3();
if (!python) console.log('# skipping the boto3 suite: no python3 can import boto3 (Debian package python3-boto3)');

describe('boto3', { skip: python === undefined ? 'no python3 with boto3' : false, timeout: 180_000 }, () => {
  let server: HearthServer;

  before(async () => {
    server = await startHearth();
  });
  after(async () => {
    await server?.stop();
  });

  /** Runs one script of test/python against the server; it prints `<passed>` when every check held. */
  async function runScript(file: string, passed: string): Promise<void> {
    const script = path.join(repoRoot(), 'test', 'python', file);
    const result = await run(python!, [script], {
      env: childEnv({
        HEARTH_TEST_ENDPOINT: server.endpoint,
        AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
        AWS_REGION: server.region,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      }),
      timeoutMs: 150_000,
    });
    assert.equal(result.code, 0, describeRun(result));
    assert.match(result.stdout, new RegExp(`^${passed}$`, 'm'));
  }

  it('create, wait active, invoke with Tail, client errors, delete', async () => {
    await runScript('boto3_lifecycle.py', 'boto3 lifecycle passed');
  });

  it('layers, versions, weighted aliases, reserved concurrency and deletes', async () => {
    await runScript('boto3_versions.py', 'boto3 versions passed');
  });

  it('async invoke (InvocationType Event), event invoke config and an on-success destination', async () => {
    await runScript('boto3_async.py', 'boto3 async passed');
  });
});
