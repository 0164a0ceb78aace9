// Matrix row C7 with the AWS SDK v3: environment variables and code change while four clients
// invoke $LATEST without pause. Once an update has completed (the SDK's function-updated waiter),
// no invocation sent afterwards runs the old revision; no environment ever mixes old and new
// (what it read at init equals what it reads at invoke); an environment is never reused across
// revisions; and the old environments drain away.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import {
  createAndWait,
  lambdaClient,
  uniqueName,
  updateCodeAndWait,
  updateConfigurationAndWait,
} from '../support/lambda.js';
import { metric } from '../support/metrics.js';

const probe = (code: string): string => `import { randomUUID } from 'node:crypto';
const envId = randomUUID();
const initV = process.env.VER;
export const handler = async () => ({ envId, initV, nowV: process.env.VER, code: '${code}' });
`;

interface Seen {
  readonly sentAt: number;
  readonly envId: string;
  readonly initV: string;
  readonly nowV: string;
  readonly code: string;
}

/** Re-checks `condition` until it holds (no fixed sleep); fails after `ms`. */
async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not met in ${ms} ms: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('C7: code and configuration changes under traffic (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const name = uniqueName('c7');

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Environment: { Variables: { VER: '0' } },
      Code: { ZipFile: await nodeSource({ 'index.mjs': probe('code-1') }) },
    });
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('after each update completes, invokes see only the new revision; old environments drain and are never reused', async () => {
    const seen: Seen[] = [];
    const failures: string[] = [];
    let stop = false;
    const clients = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const sentAt = Date.now();
        try {
          const out = await client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
          const text = Buffer.from(out.Payload ?? []).toString();
          if (out.FunctionError !== undefined) failures.push(text);
          else seen.push({ sentAt, ...(JSON.parse(text) as Omit<Seen, 'sentAt'>) });
        } catch (error) {
          failures.push(String(error));
        }
      }
    });
    const sentSince = (at: number): number => seen.filter((s) => s.sentAt > at).length;

    // Generations: V=1..4 by configuration, then new code; each one completes under traffic.
    const completed: Array<{ at: number; v: string; code: string }> = [{ at: 0, v: '0', code: 'code-1' }];
    try {
      await until(() => seen.length >= 20, 'traffic flows');
      for (const v of ['1', '2', '3', '4']) {
        await updateConfigurationAndWait(client, { FunctionName: name, Environment: { Variables: { VER: v } } });
        const at = Date.now();
        completed.push({ at, v, code: 'code-1' });
        await until(() => sentSince(at) >= 20, `20 invokes after V=${v}`);
      }
      await updateCodeAndWait(client, name, await nodeSource({ 'index.mjs': probe('code-2') }));
      const at = Date.now();
      completed.push({ at, v: '4', code: 'code-2' });
      await until(() => sentSince(at) >= 20, '20 invokes after the code update');
    } finally {
      stop = true;
      await Promise.all(clients);
    }

    assert.deepEqual(failures, [], 'every invoke succeeded');
    const generation = (s: { nowV: string; code: string }): number =>
      completed.findIndex((g) => g.v === s.nowV && g.code === s.code);
    const environments = new Map<string, number>();
    for (const s of seen) {
      assert.equal(s.initV, s.nowV, `environment ${s.envId} read V=${s.initV} at init and V=${s.nowV} at invoke`);
      const gen = generation(s);
      assert.ok(gen >= 0, `unknown revision ${JSON.stringify(s)}`);
      // The newest generation completed before this invoke was sent: it must run that one or a newer one.
      const due = completed.reduce((latest, g, i) => (g.at < s.sentAt ? i : latest), 0);
      assert.ok(gen >= due, `sent after generation ${due} completed, yet ran generation ${gen}: ${JSON.stringify(s)}`);
      const before = environments.get(s.envId);
      assert.ok(before === undefined || before === gen, `environment ${s.envId} ran generations ${before} and ${gen}`);
      environments.set(s.envId, gen);
    }
    const generationsSeen = new Set(environments.values());
    assert.equal(generationsSeen.size, completed.length, 'every generation served traffic');
    assert.ok(seen.length >= 120, `${seen.length} invokes`);

    // Old environments drain: only the newest revision's sandboxes stay (at most the 4 clients').
    await until(async () => (await metric(server, 'hearth_sandboxes')) <= 4, 'old sandboxes are gone');
    // (More than 4 environments may have served the newest generation: the revision written by the
    // update call is replaced by another when the update completes, and its sandboxes retire too.)
  });
});
