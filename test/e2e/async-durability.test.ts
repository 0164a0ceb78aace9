// Async events survive the server (LAMBDA-BEHAVIOUR.md rows B4, B5): kill -9 of Hearth after N
// 202s, restart on the same data dir, and every event runs at least once — including the one that
// was running when the server died. Also EventAgeExceeded: with Lambda's real retry delays
// (scale 2: the 2nd attempt would wait 2 min), a 60 s maximum age ends the event after one attempt.
import { InvokeCommand, PutFunctionEventInvokeConfigCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { functionLogLines, waitFor } from '../support/function-logs.js';
import { nodeSource } from '../support/functions.js';
import { mountPointsUnder } from '../support/mounts.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, lambdaClient, uniqueName } from '../support/lambda.js';

const HANDLER = `
export const handler = async (event) => {
  console.log('RAN ' + event.id);
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.fail) throw new Error('boom ' + event.id);
  return event.id;
};
`;
const RECORDER = `export const handler = async (event) => { console.log('RECORD ' + JSON.stringify(event)); };\n`;
const N = 25;

/**
 * Removes the test's data dir. The killed server could not clean up after its isolated sandboxes
 * (their /tmp images stay mounted until a stale-sandbox sweep, matrix row B5), so lazily unmount
 * whatever is still mounted under the dir first.
 */
function removeLeftovers(root: string): void {
  const mounts = mountPointsUnder(root).sort((a, b) => b.length - a.length);
  for (const point of mounts) spawnSync('umount', ['-l', point]);
  rmSync(root, { recursive: true, force: true });
}

describe('Async events across a crash (SDK v3)', { timeout: 240_000 }, () => {
  const servers: HearthServer[] = [];
  let dataDir = '';
  after(async () => {
    for (const server of servers) await server.stop();
    if (dataDir !== '') removeLeftovers(path.dirname(dataDir));
  });

  async function output(server: HearthServer, name: string): Promise<string[]> {
    return (await functionLogLines(server, name)).map((line) => line.replace(/^\S+\t\S+\t[A-Z]+\t/, ''));
  }

  async function sendEvent(client: LambdaClient, name: string, payload: unknown): Promise<string> {
    const out = await client.send(
      new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }),
    );
    assert.equal(out.StatusCode, 202);
    return out.$metadata.requestId ?? '';
  }

  it(`B4/B5: kill -9 after ${N} 202s, restart on the same data dir: every event runs`, async () => {
    // One poller slot, held by a slow event, so the others are still queued when the server dies.
    const first = await startHearth({ env: { HEARTH_ASYNC_CONCURRENCY: '1', HEARTH_ASYNC_RETRY_SCALE: '2' } });
    servers.push(first);
    dataDir = first.dataDir;
    const name = uniqueName('durable');
    let client = lambdaClient(first);
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Timeout: 30,
      Code: { ZipFile: await nodeSource({ 'index.mjs': HANDLER }) },
    });
    await sendEvent(client, name, { id: 'blocker', sleepMs: 20_000 });
    await waitFor(
      () => output(first, name),
      (lines) => lines.includes('RAN blocker'),
    );
    for (let i = 0; i < N; i += 1) await sendEvent(client, name, { id: `e${i}` });
    client.destroy();
    await first.kill();

    const second = await startHearth({
      dataDir,
      env: { HEARTH_ASYNC_CONCURRENCY: '4', HEARTH_ASYNC_RETRY_SCALE: '2' },
    });
    servers.push(second);
    const expected = [...Array.from({ length: N }, (_, i) => `RAN e${i}`), 'RAN blocker'];
    // On failure, both servers' own output says what happened (a dropped log batch, a poller error).
    const lines = await waitFor(
      () => output(second, name),
      (all) => expected.every((line) => all.includes(line)),
      120_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\nfirst server:\n${first.output()}\nsecond server:\n${second.output()}`);
    });
    // The blocker was running at the kill: it ran again after the restart (at least once).
    assert.ok(lines.filter((l) => l === 'RAN blocker').length >= 1);

    // EventAgeExceeded: the retry would start 2 minutes later, past a 60 s maximum age.
    client = lambdaClient(second);
    const recorder = uniqueName('recorder');
    await createAndWait(client, {
      FunctionName: recorder,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await nodeSource({ 'index.mjs': RECORDER }) },
    });
    await client.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: name,
        MaximumEventAgeInSeconds: 60,
        DestinationConfig: { OnFailure: { Destination: `arn:aws:lambda:us-east-1:000000000000:function:${recorder}` } },
      }),
    );
    const requestId = await sendEvent(client, name, { id: 'old', fail: true });
    const recorded = await waitFor(
      () => output(second, recorder),
      (all) => all.some((line) => line.startsWith('RECORD ') && line.includes(requestId)),
    );
    const record = JSON.parse((recorded.find((line) => line.includes(requestId)) ?? '').slice('RECORD '.length)) as {
      requestContext: { condition: string; approximateInvokeCount: number };
    };
    assert.deepEqual(
      [record.requestContext.condition, record.requestContext.approximateInvokeCount],
      ['EventAgeExceeded', 1],
    );
    client.destroy();
  });
});
