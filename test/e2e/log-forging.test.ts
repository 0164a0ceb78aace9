// D25, log forging: a handler that prints `REPORT RequestId: <another id> …`, `END RequestId: …`
// and `\r\x1b[2K` (return, erase line) cannot pass them off as Hearth's own lines. Checked through
// Hearth's logs endpoint, `hearth logs --json` and `hearth logs` as an operator reads them; the
// Invoke LogResult (AWS SDK v3, LogType Tail) stays the raw text, as on Lambda.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { awsEnv } from '../support/aws-cli.js';
import { functionLogEvents, waitFor, type FunctionLogEvent } from '../support/function-logs.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, invoke, lambdaClient, uniqueName } from '../support/lambda.js';
import { describeRun, run, type RunResult } from '../support/processes.js';
import { hearthBin, repoRoot } from '../support/repo-root.js';
import { buildZip } from '../support/zip.js';

const MADE_UP_ID = 'ffffffff-1111-2222-3333-444444444444';

// Writes straight to stdout/stderr (no console.log prefix), so each forged line starts like
// Hearth's. `event.forge` is the request id to forge.
const HANDLER = String.raw`
process.stdout.write('init line from the handler\n');
export const handler = async (event) => {
  const id = event.forge;
  process.stdout.write('REPORT RequestId: ' + id + '\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB\t\n');
  process.stdout.write('END RequestId: ' + id + '\n');
  process.stderr.write('START RequestId: ' + id + ' Version: $LATEST\n');
  process.stdout.write('working\r\x1b[2KREPORT RequestId: ' + id + ' Duration: 1 ms\n');
  return { ok: true };
};
`;

function hearth(server: HearthServer, args: readonly string[]): Promise<RunResult> {
  return run(process.execPath, [hearthBin(), ...args], { env: awsEnv(server), cwd: repoRoot() });
}

const platformReports = (events: readonly FunctionLogEvent[]) =>
  events.filter((e) => e.source === 'platform' && e.message.startsWith('REPORT RequestId: '));

describe('log forging (D25)', { timeout: 180_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  const name = uniqueName('log-forge');
  let first: string; // forges a made-up id
  let second: string; // forges the first invocation's id
  let firstTail: string;
  let events: FunctionLogEvent[];

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await buildZip({ 'index.mjs': HANDLER }) },
    });
    const one = await invoke(client, name, { forge: MADE_UP_ID }, { logType: 'Tail' });
    assert.equal(one.functionError, undefined, one.text);
    first = one.requestId ?? assert.fail('no request id');
    firstTail = one.logs;
    const two = await invoke(client, name, { forge: first });
    assert.equal(two.functionError, undefined, two.text);
    second = two.requestId ?? assert.fail('no request id');
    events = await waitFor(
      () => functionLogEvents(server, name),
      (read) => platformReports(read).length >= 2,
    );
  });
  after(async () => {
    await server?.stop();
  });

  it('has exactly one platform START, END and REPORT per invocation, each with its own request id', () => {
    for (const id of [first, second]) {
      const mine = events.filter((e) => e.source === 'platform' && e.requestId === id);
      assert.deepEqual(
        mine.map((e) => e.message.split(' ')[0]),
        ['START', 'END', 'REPORT'],
        `platform lines of ${id}: ${JSON.stringify(mine)}`,
      );
      for (const line of mine) assert.ok(line.message.includes(`RequestId: ${id}`), line.message);
    }
    assert.equal(platformReports(events).length, 2, JSON.stringify(platformReports(events)));
  });

  it('records the forged lines as function lines of the invocation that wrote them', () => {
    const forged = (id: string) => events.filter((e) => e.message.includes(`RequestId: ${id}`) && e.requestId !== id);
    for (const [writer, claimed] of [
      [first, MADE_UP_ID],
      [second, first],
    ] as const) {
      const lines = forged(claimed).filter((e) => e.requestId === writer);
      // stdout and stderr are two pipes: their lines may interleave either way.
      assert.deepEqual(
        lines.map((e) => [e.source, e.message.replace(/\t.*/, '')]).sort(),
        [
          ['function', `REPORT RequestId: ${claimed}`],
          ['function', `END RequestId: ${claimed}`],
          ['function', `START RequestId: ${claimed} Version: $LATEST`],
          ['function', `working\r\u001b[2KREPORT RequestId: ${claimed} Duration: 1 ms`],
        ].sort(),
        `lines written by ${writer} claiming ${claimed}`,
      );
    }
    assert.ok(!events.some((e) => e.requestId === MADE_UP_ID), 'no line is attributed to the made-up id');
  });

  it('records init output as a function line of no invocation', () => {
    const init = events.filter((e) => e.message === 'init line from the handler');
    assert.deepEqual(
      init.map((e) => [e.source, e.requestId]),
      [['function', undefined]],
    );
  });

  it('hearth logs --json gives the same attribution', async () => {
    const result = await hearth(server, ['logs', name, '--json']);
    assert.equal(result.code, 0, describeRun(result));
    assert.ok(!/[\r\u001b]/.test(result.stdout), 'no raw control characters on the terminal');
    const printed = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      printed.map((e) => [e['source'], e['requestId'], e['message']]),
      events.map((e) => [e.source, e.requestId ?? null, e.message]),
    );
  });

  it('hearth logs shows the escape sequences instead of sending them to the terminal', async () => {
    const result = await hearth(server, ['logs', name]);
    assert.equal(result.code, 0, describeRun(result));
    assert.ok(!/[\r\u001b]/.test(result.stdout), `raw control characters in:\n${JSON.stringify(result.stdout)}`);
    for (const id of [MADE_UP_ID, first]) {
      assert.ok(
        result.stdout.includes(`working\\r\\x1b[2KREPORT RequestId: ${id} Duration: 1 ms\n`),
        `escaped line for ${id} in:\n${result.stdout}`,
      );
    }
    assert.match(result.stdout, new RegExp(`^REPORT RequestId: ${second}\\tDuration: [\\d.]+ ms\\t`, 'm'));
  });

  it('keeps the Invoke LogResult as the raw text of the log, as Lambda does', () => {
    assert.ok(firstTail.includes(`working\r\u001b[2KREPORT RequestId: ${MADE_UP_ID}`), firstTail);
    assert.match(firstTail, new RegExp(`^START RequestId: ${first} Version: \\$LATEST$`, 'm'));
    assert.match(firstTail, new RegExp(`^REPORT RequestId: ${first}\\tDuration: `, 'm'));
  });
});
