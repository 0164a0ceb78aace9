// kill -9 of Hearth while a sync invocation runs in an isolated sandbox (LAMBDA-BEHAVIOUR.md rows B5,
// B6): the client sees its connection end, and once Hearth starts again on the same data dir nothing
// of the dead instance is left on the host — no sandbox process, no /tmp mount, no cgroup.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  hostPidsTitled as pidsTitled,
  isolationSkipReason,
} from '../../src/sandbox/drivers/isolated-test-environment.js';
import { readCgroupMounts } from '../../src/sandbox/isolation/cgroup-hierarchy.js';
import { waitFor } from '../support/function-logs.js';
import { mountPointsUnder } from '../support/mounts.js';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, invokeOk, lambdaClient, uniqueName } from '../support/lambda.js';

const skip = await isolationSkipReason();

/** Hearth instance cgroups (`hearth/<pid>-<start>`) owned by `pid`, in the pids hierarchy. */
async function cgroupsOf(pid: number): Promise<string[]> {
  const mounts = await readCgroupMounts();
  const root = path.join(mounts.v1.get('pids') ?? mounts.v2 ?? '/nonexistent', 'hearth');
  return readdirSync(root).filter((instance) => instance.startsWith(`${pid}-`));
}

describe('kill -9 of Hearth during a sync invoke (SDK v3)', { skip, timeout: 180_000 }, () => {
  const servers: HearthServer[] = [];
  after(async () => {
    for (const server of servers.reverse()) await server.stop();
    // The killed server's folder: the restart used its data dir, so stop() left it.
    for (const server of servers) rmSync(server.rootDir, { recursive: true, force: true });
  });

  it('B5/B6: the caller sees the connection end; a restart removes every sandbox the dead Hearth left', async () => {
    const marker = `hearth-b5-${process.pid}-${Date.now()}`;
    const first = await startHearth({ env: { HEARTH_ISOLATION: 'required' } });
    servers.push(first);
    const client = lambdaClient(first);
    const name = uniqueName('crash');
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Timeout: 120,
      Code: {
        ZipFile: await nodeSource({
          'index.mjs': `import cp from 'node:child_process';
export const handler = async () => { process.title = ${JSON.stringify(marker)};
  cp.spawn('/bin/sleep', ['300'], { argv0: ${JSON.stringify(marker + '-child')}, detached: true, stdio: 'ignore' }).unref();
  await new Promise(() => setInterval(() => {}, 60_000)); };`,
        }),
      },
    });
    const running = client.send(new InvokeCommand({ FunctionName: name })).then(
      () => 'answered',
      () => 'connection ended',
    );
    await waitFor(
      async () => pidsTitled(marker),
      (pids) => pids.length >= 2,
    );
    const firstPid = first.pid;
    await first.kill();
    assert.equal(await running, 'connection ended', 'the sync caller sees the connection end, not a result (B6)');
    client.destroy();

    const second = await startHearth({ dataDir: first.dataDir, env: { HEARTH_ISOLATION: 'required' } });
    servers.push(second);
    // The sweep runs before Hearth says it is listening: nothing of the dead instance is left.
    assert.deepEqual(pidsTitled(marker), [], 'no process of the dead instance runs');
    assert.deepEqual(await cgroupsOf(firstPid), [], 'its cgroups are gone');
    assert.deepEqual(
      mountPointsUnder(path.join(first.dataDir, 'sandboxes')).filter((m) => m.includes(`${firstPid}-`)),
      [],
    );

    const again = lambdaClient(second);
    try {
      await again.send(new InvokeCommand({ FunctionName: name, InvocationType: 'DryRun' }));
      await createAndWait(again, {
        FunctionName: `${name}-after`,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: await nodeSource({ 'index.mjs': `export const handler = async () => ({ ok: true });` }) },
      });
      assert.deepEqual(await invokeOk(again, `${name}-after`), { ok: true });
    } finally {
      again.destroy();
    }
  });
});
