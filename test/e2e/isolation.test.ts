// Isolation seen through the public API (issue 3; LAMBDA-BEHAVIOUR.md rows D1, D8, D9, D12, D13,
// D19, D20): a server started with HEARTH_ISOLATION=required, functions created and invoked with the
// AWS SDK v3. The driver's own tests (src/sandbox/drivers/isolated-driver.test.ts) go deeper.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isolationSkipReason } from '../../src/sandbox/drivers/isolated-test-environment.js';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, invoke, invokeOk, lambdaClient, uniqueName } from '../support/lambda.js';

const skip = await isolationSkipReason();

/** A handler module that runs `body` with `event`, `fs`, `net` and module state `seen` in scope. */
function probe(body: string): Promise<Buffer> {
  return nodeSource({
    'index.mjs': `import fs from 'node:fs';
import net from 'node:net';
const seen = [];
const errno = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
const connects = (host, port) => new Promise((resolve) => {
  const socket = net.connect({ host, port, timeout: 2000 });
  socket.once('connect', () => { socket.destroy(); resolve('connected'); });
  socket.once('timeout', () => { socket.destroy(); resolve('timeout'); });
  socket.once('error', (e) => resolve(e.code));
});
export const handler = async (event) => { ${body} };
`,
  });
}

describe('isolated sandboxes through the API (SDK v3)', { skip, timeout: 180_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const first = uniqueName('iso-first');
  const second = uniqueName('iso-second');
  const hog = uniqueName('iso-hog');
  const caller = uniqueName('iso-caller');

  before(async () => {
    server = await startHearth({ env: { HEARTH_ISOLATION: 'required' } });
    client = lambdaClient(server);
    const keeper = await probe(
      `if (event.write) { process.env.FROM_HANDLER = 'first'; seen.push(event.write); fs.writeFileSync('/tmp/first-marker', event.write); }
       return { env: process.env.SECRET_OF_FIRST ?? null, seen, tmp: fs.readdirSync('/tmp'),
         fromHandler: process.env.FROM_HANDLER ?? null,
         shadow: errno(() => fs.readFileSync('/etc/shadow')), dataDir: errno(() => fs.readdirSync(event.dataDir)),
         uid: process.getuid(), pids: fs.readdirSync('/proc').filter((e) => /^\\d+$/.test(e)).length,
         host: await connects('127.0.0.1', event.hostPort), endpoint: process.env.AWS_ENDPOINT_URL,
         api: await fetch(process.env.AWS_ENDPOINT_URL + '/2015-03-31/functions/').then((r) => r.status, (e) => String(e)) };`,
    );
    await Promise.all([
      createAndWait(client, {
        FunctionName: first,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Environment: { Variables: { SECRET_OF_FIRST: 'only-for-first' } },
        Code: { ZipFile: keeper },
      }),
      createAndWait(client, {
        FunctionName: second,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: keeper },
      }),
      createAndWait(client, {
        FunctionName: caller,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        // The SDK's first load takes a while at a small CPU share.
        MemorySize: 1024,
        Timeout: 30,
        Code: {
          ZipFile: await nodeSource({
            // No bundled SDK and no configuration: the runtime provides the SDK, and the sandbox's
            // AWS_ENDPOINT_URL, AWS_REGION and temporary AWS_* credentials point it at Hearth.
            'index.js': `const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
const client = new LambdaClient({});
exports.handler = async (event) => {
  const out = await client.send(new InvokeCommand({ FunctionName: event.target, Payload: JSON.stringify(event.payload) }));
  return { status: out.StatusCode, payload: JSON.parse(Buffer.from(out.Payload).toString()), keyIsOperator: process.env.AWS_ACCESS_KEY_ID === event.operatorKey, hasSessionToken: Boolean(process.env.AWS_SESSION_TOKEN) };
};
`,
          }),
        },
      }),
      createAndWait(client, {
        FunctionName: hog,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        MemorySize: 128,
        Timeout: 30,
        EphemeralStorage: { Size: 512 },
        Code: {
          ZipFile: await probe(
            `if (event.disk) { const chunk = Buffer.alloc(1024 * 1024, 1); let mb = 0;
               try { for (;;) { fs.appendFileSync('/tmp/fill', chunk); mb += 1; } } catch (e) { fs.rmSync('/tmp/fill'); return { mb, code: e.code }; } }
             const hold = []; for (;;) hold.push(Buffer.alloc(16 * 1024 * 1024, 1));`,
          ),
        },
      }),
    ]);
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('the start-up log names the isolated driver', () => {
    assert.match(server.output(), /sandboxes: isolated driver/);
  });

  it('a function sees neither the host files, the data dir nor the host network (D1, D12, D13)', async () => {
    const seen = await invokeOk<{ shadow: string; dataDir: string; uid: number; pids: number; host: string }>(
      client,
      first,
      { dataDir: server.dataDir, hostPort: server.port },
    );
    assert.equal(seen.shadow, 'ENOENT');
    assert.equal(seen.dataDir, 'ENOENT');
    assert.ok(seen.uid >= 100_000, `uid ${seen.uid}`);
    assert.ok(seen.pids <= 5, `${seen.pids} processes visible`);
    // Hearth listens on the host's 127.0.0.1; the sandbox's own loopback has nothing there.
    assert.equal(seen.host, 'ECONNREFUSED');
  });

  it("reaches Hearth's own API at AWS_ENDPOINT_URL from inside its network namespace", async () => {
    const seen = await invokeOk<{ endpoint: string; api: number | string }>(client, first, {
      hostPort: server.port,
    });
    assert.equal(seen.endpoint, 'http://127.0.0.1:9001', "the Runtime API address serves Hearth's API too");
    // An unsigned request: Hearth answers it (403), which shows the request got there.
    assert.equal(seen.api, 403);
  });

  it("one function never sees another's environment, /tmp or module state (D19, D20)", async () => {
    const wrote = await invokeOk<{ env: string; seen: string[]; tmp: string[] }>(client, first, {
      write: 'kept',
      hostPort: server.port,
    });
    assert.equal(wrote.env, 'only-for-first');
    assert.deepEqual(wrote.seen, ['kept']);
    assert.ok(wrote.tmp.includes('first-marker'));
    const other = await invokeOk<{ env: string | null; seen: string[]; tmp: string[]; fromHandler: string | null }>(
      client,
      second,
      { hostPort: server.port },
    );
    assert.equal(other.env, null);
    assert.equal(other.fromHandler, null);
    assert.deepEqual(other.seen, []);
    assert.deepEqual(other.tmp, []);
  });

  it('/tmp fills up to EphemeralStorage with ENOSPC, not an out-of-memory kill (D9)', async () => {
    const filled = await invokeOk<{ mb: number; code: string }>(client, hog, { disk: true });
    assert.equal(filled.code, 'ENOSPC');
    // A 512 MB disk holds a little less than 512 MB of file data; far more than the 128 MB memory.
    assert.ok(filled.mb > 400 && filled.mb <= 512, `${filled.mb} MB written`);
  });

  it('allocating past MemorySize is Runtime.ExitError "signal: killed"; the function still works after (D8)', async () => {
    const killed = await invoke(client, hog, {}, { logType: 'Tail' });
    assert.equal(killed.functionError, 'Unhandled');
    const error = JSON.parse(killed.text) as { errorType: string; errorMessage: string };
    assert.equal(error.errorType, 'Runtime.ExitError');
    assert.match(error.errorMessage, /Runtime exited with error: signal: killed/);
    const report = /Max Memory Used: (\d+) MB/.exec(killed.logs);
    assert.ok(report, killed.logs);
    assert.ok(Number(report[1]) >= 100 && Number(report[1]) <= 129, `Max Memory Used ${report[1]} MB`);
    const again = await invokeOk<{ mb: number; code: string }>(client, hog, { disk: true });
    assert.equal(again.code, 'ENOSPC');
  });

  it('a function invokes another through the AWS SDK the runtime provides, with temporary credentials', async () => {
    const called = await invokeOk<{
      status: number;
      payload: { env: string | null; uid: number };
      keyIsOperator: boolean;
      hasSessionToken: boolean;
    }>(client, caller, {
      target: second,
      payload: { hostPort: server.port },
      operatorKey: server.credentials.accessKeyId,
    });
    assert.equal(called.status, 200);
    assert.equal(called.payload.env, null);
    assert.ok(called.payload.uid >= 100_000);
    assert.equal(called.keyIsOperator, false);
    assert.equal(called.hasSessionToken, true);
  });
});
