// Hearth's per-function tags beyond Lambda (docs/tags.md), through the AWS SDK v3: validation at
// CreateFunction and TagResource, hearth:timeout=none (and cancellation when the caller aborts),
// and hearth:memory-burst in an isolated sandbox.
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListTagsCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { SigV4Signer } from '../../bench/sigv4-signer.js';
import { detectIsolation } from '../../src/sandbox/isolation/detect-isolation.js';
import { isolationSkipReason } from '../../src/sandbox/drivers/isolated-test-environment.js';
import { nodeSource } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, expectLambdaError, invoke, lambdaClient, TEST_ROLE, uniqueName } from '../support/lambda.js';

const isolationSkip = await isolationSkipReason();
const networkSkip =
  isolationSkip ??
  ((await detectIsolation()).tools?.network === undefined ? 'slirp4netns, nsenter or ip is not installed' : undefined);

const SOURCE = {
  'index.mjs': `let count = 0;
export const handler = async (event, context) => {
  count += 1;
  if (event.hang) { console.log('hanging ' + context.awsRequestId); await new Promise((resolve) => setTimeout(resolve, 600_000)); }
  if (event.ms) await new Promise((resolve) => setTimeout(resolve, event.ms));
  const kept = [];
  for (let i = 0; i < (event.allocateMb ?? 0); i++) kept.push(Buffer.alloc(1024 * 1024, 1));
  return { count, remaining: context.getRemainingTimeInMillis(), allocated: kept.length };
};
`,
};

describe('hearth: tags (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  let arnOf: (name: string) => string;

  before(async () => {
    server = await startHearth(isolationSkip === undefined ? { env: { HEARTH_ISOLATION: 'required' } } : {});
    client = lambdaClient(server);
    arnOf = (name) => `arn:aws:lambda:${server.region}:000000000000:function:${name}`;
  });
  after(async () => server?.stop());

  /** Hearth's log endpoint (GET …/logs), for the lines of a function so far. */
  async function logLines(name: string): Promise<string[]> {
    const url = new URL(`${server.endpoint}/hearth/2026-11-01/functions/${name}/logs`);
    const headers = new SigV4Signer(server.credentials, server.region).sign(
      'GET',
      url.host,
      url.pathname,
      Buffer.alloc(0),
    );
    const body = (await (await fetch(url, { headers })).json()) as { events: Array<{ message: string }> };
    return body.events.map((event) => event.message);
  }

  it('refuses bad hearth: values at CreateFunction and TagResource, with the reason', async () => {
    const name = uniqueName('tags-bad');
    const zip = await nodeSource(SOURCE);
    await expectLambdaError(
      createAndWait(client, {
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Code: { ZipFile: zip },
        Tags: { 'hearth:timeout': 'forever' },
      }),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message: "Tag hearth:timeout must be 'none' (untag it to use the function's Timeout); got 'forever'.",
      },
    );
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: zip },
    });
    await expectLambdaError(
      client.send(new TagResourceCommand({ Resource: arnOf(name), Tags: { 'hearth:memory-burst': '64' } })),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message:
          "Tag hearth:memory-burst must be a whole number of MB from the function's MemorySize (128) to 10240; got '64'.",
      },
    );
    await expectLambdaError(
      client.send(new TagResourceCommand({ Resource: arnOf(name), Tags: { 'hearth:timout': 'none' } })),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message:
          "Unknown Hearth tag 'hearth:timout'. Hearth's tags are hearth:timeout, hearth:memory-burst, hearth:network.",
      },
    );
    assert.deepEqual((await client.send(new ListTagsCommand({ Resource: arnOf(name) }))).Tags ?? {}, {});
  });

  it('hearth:timeout=none lets an invoke run past Timeout; untagging brings the Timeout back', async () => {
    const name = uniqueName('tags-timeout');
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Timeout: 1,
      Code: { ZipFile: await nodeSource(SOURCE) },
    });
    const bounded = await invoke(client, name, { ms: 2500 });
    assert.equal(bounded.functionError, 'Unhandled');
    assert.match(bounded.text, /Task timed out after 1\.00 seconds/);

    await client.send(new TagResourceCommand({ Resource: arnOf(name), Tags: { 'hearth:timeout': 'none' } }));
    const unbounded = await invoke(client, name, { ms: 2500 });
    assert.equal(unbounded.functionError, undefined, unbounded.text);
    const result = JSON.parse(unbounded.text) as { remaining: number };
    assert.ok(result.remaining > 60 * 60 * 1000, `getRemainingTimeInMillis() ${result.remaining}`);
    assert.equal((await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).Timeout, 1);

    await client.send(new UntagResourceCommand({ Resource: arnOf(name), TagKeys: ['hearth:timeout'] }));
    assert.equal((await invoke(client, name, { ms: 2500 })).functionError, 'Unhandled');
  });

  it('hearth:timeout=none: a caller that aborts cancels the invocation and the sandbox is reset', async () => {
    const name = uniqueName('tags-cancel');
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Timeout: 1,
      Tags: { 'hearth:timeout': 'none' },
      Code: { ZipFile: await nodeSource(SOURCE) },
    });
    assert.equal(JSON.parse((await invoke(client, name, {})).text).count, 1);
    const caller = new AbortController();
    const hanging = client.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"hang":true}') }), {
      abortSignal: caller.signal,
    });
    const aborted = hanging.then(
      () => 'answered',
      (error: Error) => error.name,
    );
    // Wait for the function to be running (its log line), then hang up.
    const deadline = Date.now() + 30_000;
    while (!(await logLines(name)).some((line) => line.includes('hanging'))) {
      assert.ok(Date.now() < deadline, 'the hanging invocation never started');
    }
    caller.abort();
    assert.equal(await aborted, 'AbortError');
    // The cancelled invocation gets its REPORT, and the next invoke a fresh sandbox (module state reset).
    while (!(await logLines(name)).some((line) => line.includes('Invocation cancelled: the caller disconnected'))) {
      assert.ok(Date.now() < deadline + 30_000, 'the invocation was never cancelled');
    }
    assert.equal(JSON.parse((await invoke(client, name, {})).text).count, 1);
  });

  it(
    'hearth:network=internet opens the internet, never the host or the metadata address',
    { skip: networkSkip },
    async () => {
      const name = uniqueName('tags-net');
      await createAndWait(client, {
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Timeout: 30,
        Code: {
          ZipFile: await nodeSource({
            'index.mjs': `import net from 'node:net';
const tryConnect = (host, port) => new Promise((resolve) => { const s = net.connect({ host, port, timeout: 5000 }); s.on('connect', () => { s.destroy(); resolve('connected'); }); s.on('timeout', () => { s.destroy(); resolve('timeout'); }); s.on('error', (e) => resolve(e.code)); });
export const handler = async (event) => ({ metadata: await tryConnect('169.254.169.254', 80), host: await tryConnect(event.hostAddress, event.port), web: await tryConnect('deb.debian.org', 443) });`,
          }),
        },
      });
      const hostAddress =
        Object.values(networkInterfaces())
          .flatMap((infos) => infos ?? [])
          .find((info) => info.family === 'IPv4' && !info.internal)?.address ?? '127.0.0.1';
      const event = { hostAddress, port: server.port };
      const closed = JSON.parse((await invoke(client, name, event)).text) as Record<string, string>;
      assert.equal(closed['metadata'], 'ENETUNREACH');
      assert.ok(['ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND'].includes(closed['web'] ?? ''), closed['web']);

      await client.send(new TagResourceCommand({ Resource: arnOf(name), Tags: { 'hearth:network': 'internet' } }));
      const open = JSON.parse((await invoke(client, name, event)).text) as Record<string, string>;
      assert.equal(open['metadata'], 'EACCES');
      assert.equal(open['host'], 'EACCES');
      // The web is there when this host has internet at all.
      const hostReaches = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: 'deb.debian.org', port: 443, timeout: 5000 });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('timeout', () => {
          socket.destroy();
          resolve(false);
        });
        socket.once('error', () => resolve(false));
      });
      if (hostReaches) assert.equal(open['web'], 'connected');
    },
  );

  it('hearth:memory-burst raises the sandbox limit; REPORT shows the burst', { skip: isolationSkip }, async () => {
    const name = uniqueName('tags-burst');
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: TEST_ROLE,
      MemorySize: 128,
      Timeout: 30,
      Code: { ZipFile: await nodeSource(SOURCE) },
    });
    const killed = await invoke(client, name, { allocateMb: 250 }, { logType: 'Tail' });
    assert.equal(killed.functionError, 'Unhandled');
    assert.match(killed.text, /Runtime.ExitError/);

    await client.send(new TagResourceCommand({ Resource: arnOf(name), Tags: { 'hearth:memory-burst': '512' } }));
    const burst = await invoke(client, name, { allocateMb: 250 }, { logType: 'Tail' });
    assert.equal(burst.functionError, undefined, burst.text);
    assert.equal(JSON.parse(burst.text).allocated, 250);
    const report = /Memory Size: 128 MB\tMax Memory Used: (\d+) MB \(burst above 128 MB\)/.exec(burst.logs);
    assert.ok(report, burst.logs);
    assert.ok(Number(report[1]) >= 250 && Number(report[1]) <= 512, report[0]);
  });
});
