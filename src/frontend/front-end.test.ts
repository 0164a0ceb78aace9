// End to end: FrontEnd → WorkerManager → ProcessDriver → a real custom runtime speaking the Runtime API.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { InvokeOutcome } from './invocation.js';
import { FrontEnd } from './front-end.js';
import { eventually } from '../testing/eventually.js';
import { startHarness, type Harness } from './tiny-runtime.fixture.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

interface Echo {
  count: number;
  pid: number;
  cwd: string;
  env: Record<string, string>;
  event: unknown;
  deadline: string;
  arn: string;
  traceId: string;
  clientContext?: string;
}

function payloadOf(outcome: InvokeOutcome): string {
  assert.ok('payload' in outcome, `expected an executed outcome, got ${JSON.stringify(outcome)}`);
  return outcome.payload.toString();
}

function echo(outcome: InvokeOutcome): Echo {
  assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
  return JSON.parse(payloadOf(outcome)) as Echo;
}

test('a cold then a warm invoke: same runtime process, module state kept, clean environment', async () => {
  await h.addFunction({ name: 'echo', environment: { GREETING: 'hi' } });
  const before = Date.now();
  const first = echo(await h.invoke('echo', { n: 1 }, { clientContext: '{"custom":{"k":"v"}}' }));
  const second = echo(await h.invoke('echo', { n: 2 }));
  assert.deepEqual(first.event, { n: 1 });
  assert.deepEqual(second.event, { n: 2 });
  assert.equal(second.pid, first.pid, 'warm reuse');
  assert.deepEqual([first.count, second.count], [1, 2]);
  assert.equal(first.cwd, h.codeDir);
  assert.equal(first.clientContext, '{"custom":{"k":"v"}}');
  assert.equal(first.arn, 'arn:aws:lambda:us-east-1:000000000000:function:echo');
  assert.ok(Number(first.deadline) >= before + 3000 && Number(first.deadline) <= Date.now() + 3000);
  const env = first.env;
  assert.equal(env['GREETING'], 'hi');
  assert.equal(env['AWS_LAMBDA_FUNCTION_NAME'], 'echo');
  assert.equal(env['LAMBDA_TASK_ROOT'], h.codeDir, '/var/task is the code dir for the process driver');
  assert.equal(env['AWS_EXECUTION_ENV'], 'AWS_Lambda_nodejs20.x');
  assert.match(env['AWS_LAMBDA_RUNTIME_API'] ?? '', /^127\.0\.0\.1:\d+$/);
  assert.match(env['AWS_ACCESS_KEY_ID'] ?? '', /^ASIATEST\d+$/);
  assert.ok(env['TMPDIR']?.startsWith(path.join(h.dir, 'tmp')));
  for (const hostVar of ['NODE_EXTRA_CA_CERTS', 'HOME', 'NODE_OPTIONS', 'HEARTH_DATA_DIR'])
    assert.equal(env[hostVar], undefined, hostVar);
});

test('a timeout reports Sandbox.Timedout, kills the sandbox, and the next invoke gets a new one', async () => {
  await h.addFunction({ name: 'slow', timeout: 1 });
  const warm = echo(await h.invoke('slow'));
  const started = Date.now();
  const outcome = await h.invoke('slow', { sleepMs: 10_000 });
  assert.equal(outcome.kind, 'timeout');
  assert.ok(Date.now() - started < 5000);
  assert.ok('requestId' in outcome);
  assert.equal(
    payloadOf(outcome),
    `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ${outcome.requestId} Error: Task timed out after 1.00 seconds"}`,
  );
  const after = echo(await h.invoke('slow'));
  assert.notEqual(after.pid, warm.pid);
  assert.equal(after.count, 1);
  assert.throws(() => process.kill(warm.pid, 0), /ESRCH/, 'the timed-out runtime is gone');
});

test('runtime exits become Runtime.ExitError with Lambda wording', async () => {
  await h.addFunction({ name: 'crash' });
  const cases: Array<[unknown, string]> = [
    [{ exit: 3 }, 'Runtime exited with error: exit status 3'],
    [{ exit: 0 }, 'Runtime exited without providing a reason'],
    [{ kill: 'SIGKILL' }, 'Runtime exited with error: signal: killed'],
  ];
  for (const [event, reason] of cases) {
    const outcome = await h.invoke('crash', event);
    assert.equal(outcome.kind, 'function-error');
    assert.ok(outcome.kind === 'function-error');
    assert.equal(outcome.errorType, 'Runtime.ExitError');
    assert.equal(
      payloadOf(outcome),
      JSON.stringify({
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${outcome.requestId} Error: ${reason}`,
      }),
    );
  }
  echo(await h.invoke('crash'));
});

test('an init error is the outcome of each invoke, with a fresh sandbox each time and no crash loop', async () => {
  const startsFile = path.join(h.dir, 'init-error-starts');
  await h.addFunction({ name: 'broken', handler: 'init-error', environment: { STARTS_FILE: startsFile } });
  for (let i = 0; i < 2; i++) {
    const outcome = await h.invoke('broken', {}, { logType: 'Tail' });
    assert.equal(outcome.kind, 'init-error');
    assert.ok(outcome.kind === 'init-error');
    assert.equal(outcome.errorType, 'Runtime.ImportModuleError');
    assert.equal(
      payloadOf(outcome),
      `{"errorType":"Runtime.ImportModuleError","errorMessage":"Cannot find module 'nope'"}`,
    );
    assert.match(
      outcome.logTail ?? '',
      /init of init-error\nSTART RequestId: .*\nEND RequestId: .*\nREPORT RequestId: .*Status: error\tError Type: Runtime.ImportModuleError\t\n$/,
    );
  }
  await eventually(() => h.workers.countOf('broken') === 0);
  assert.equal(readFileSync(startsFile, 'utf8').trim().split('\n').length, 2, 'one start per invoke');

  await h.addFunction({ name: 'dies-in-init', handler: 'exit-during-init' });
  const outcome = await h.invoke('dies-in-init');
  assert.equal(outcome.kind, 'init-error');
  assert.ok(outcome.kind === 'init-error');
  assert.equal(
    payloadOf(outcome),
    JSON.stringify({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${outcome.requestId} Error: Runtime exited with error: exit status 1`,
    }),
  );
});

test('logs: START, the function output, END and REPORT in order, in the Tail and in the store', async () => {
  await h.addFunction({ name: 'printer' });
  const cold = await h.invoke('printer', { print: ['alpha', 'beta'], stderr: 'gamma' }, { logType: 'Tail' });
  assert.equal(cold.kind, 'success');
  assert.ok(cold.kind === 'success');
  const id = cold.requestId;
  const lines = (cold.logTail ?? '').split('\n');
  assert.equal(lines.pop(), '', 'the tail ends with a newline');
  assert.deepEqual(lines.slice(0, 6), [
    'init of echo',
    `START RequestId: ${id} Version: $LATEST`,
    'alpha',
    'beta',
    'gamma',
    `END RequestId: ${id}`,
  ]);
  assert.match(
    lines[6] ?? '',
    new RegExp(
      `^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: [1-9]\\d* MB\\tInit Duration: \\d+\\.\\d{2} ms\\t$`,
    ),
  );
  const warm = await h.invoke('printer', { print: ['delta'] }, { logType: 'Tail' });
  assert.ok(warm.kind === 'success');
  assert.doesNotMatch(warm.logTail ?? '', /Init Duration/, 'Init Duration only on the first invoke');
  const untailed = await h.invoke('printer');
  assert.ok(untailed.kind === 'success');
  assert.equal(untailed.logTail, undefined);

  await h.logs.flush();
  const stored = (await h.storage.logs.read('printer', 0, 100)).map((e) => e.message);
  const start = stored.indexOf(`START RequestId: ${id} Version: $LATEST`);
  assert.deepEqual(stored.slice(start, start + 5), [
    `START RequestId: ${id} Version: $LATEST`,
    'alpha',
    'beta',
    'gamma',
    `END RequestId: ${id}`,
  ]);
  const streams = new Set((await h.storage.logs.read('printer', 0, 100)).map((e) => e.logStream));
  assert.equal(streams.size, 1);
  assert.match([...streams][0] ?? '', /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
});

test('the Tail is at most 4096 bytes and ends with REPORT, even after a log flood', async () => {
  await h.addFunction({ name: 'flood' });
  const outcome = await h.invoke('flood', { flood: 8000 }, { logType: 'Tail' });
  assert.ok(outcome.kind === 'success');
  const tail = outcome.logTail ?? '';
  assert.ok(Buffer.byteLength(tail) <= 4096);
  assert.match(
    tail,
    /Logs were truncated because the total bytes size exceeds the limit of 1048576 bytes\.\nEND RequestId: [^\n]+\nREPORT RequestId: [^\n]+\n$/,
  );
});

test('a response over 6 MB is Function.ResponseSizeTooLarge and the sandbox stays usable', async () => {
  await h.addFunction({ name: 'big' });
  const first = echo(await h.invoke('big'));
  const outcome = await h.invoke('big', { bigResponse: 6_291_557 });
  assert.ok(outcome.kind === 'function-error');
  assert.equal(outcome.errorType, 'Function.ResponseSizeTooLarge');
  assert.equal(
    payloadOf(outcome),
    '{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes)."}',
  );
  const after = echo(await h.invoke('big'));
  assert.equal(after.pid, first.pid);
});

test('a handler error passes the runtime error body on', async () => {
  await h.addFunction({ name: 'thrower' });
  const outcome = await h.invoke('thrower', { fail: 'boom' });
  assert.ok(outcome.kind === 'function-error');
  assert.equal(outcome.errorType, 'Unhandled');
  assert.deepEqual(JSON.parse(payloadOf(outcome)), { errorType: 'Error', errorMessage: 'boom', stackTrace: [] });
  echo(await h.invoke('thrower'));
});

test('a new revision never reuses a sandbox of the old one, and its credentials are revoked', async () => {
  const record = await h.addFunction({ name: 'revised' });
  const old = echo(await h.invoke('revised'));
  await h.storage.functions.update(
    'revised',
    record.version,
    'rev-1',
    { environment: { V: '2' } },
    { revisionId: 'rev-2', lastModified: record.lastModified },
  );
  // The control plane tells the front end after every change (main.ts wires onChanged → forget).
  await h.frontEnd.forget('revised');
  const fresh = echo(await h.invoke('revised'));
  assert.notEqual(fresh.pid, old.pid);
  assert.equal(fresh.env['V'], '2');
  await eventually(() => h.revoked.includes(old.env['AWS_ACCESS_KEY_ID'] ?? ''));
});

test('refusals: unknown function, other qualifier, not Active, Event, DryRun', async () => {
  const arn = 'arn:aws:lambda:us-east-1:000000000000:function';
  const missing = await h.invoke('nope');
  assert.ok(missing.kind === 'rejected');
  assert.deepEqual(
    [missing.error.status, missing.error.code, missing.error.message],
    [404, 'ResourceNotFoundException', `Function not found: ${arn}:nope:$LATEST`],
  );
  await h.addFunction({ name: 'pending', state: 'Pending' });
  const pending = await h.invoke('pending');
  assert.ok(pending.kind === 'rejected');
  assert.equal(pending.error.status, 409);
  assert.match(pending.error.message, /following state: Pending$/);
  const qualified = await h.invoke('echo', {}, { qualifier: '7' });
  assert.ok(qualified.kind === 'rejected');
  assert.equal(qualified.error.message, `Function not found: ${arn}:echo:7`);
  const bad = await h.invoke('bad name!');
  assert.ok(bad.kind === 'rejected');
  assert.equal(bad.error.code, 'ValidationException');
  const notReady = await h.invoke('pending', {}, { invocationType: 'Event' });
  assert.ok(notReady.kind === 'rejected', 'A10: no 202 for a function that is not Active');
  assert.deepEqual(await h.storage.asyncEvents.depths(), []);
  assert.deepEqual(await h.invoke('echo', {}, { invocationType: 'DryRun' }), { kind: 'dry-run' });
});

test("Event: the event is queued under the 202's request id, with the qualifier as invoked", async () => {
  const queued = await h.invoke('echo', { n: 1 }, { invocationType: 'Event', qualifier: '$LATEST' });
  assert.ok(queued.kind === 'queued', JSON.stringify(queued));
  const [row] = await h.storage.asyncEvents.claim([queued.requestId], Date.now() + 1, Date.now() + 1000);
  assert.deepEqual(
    [row?.requestId, row?.functionName, row?.qualifier, row?.payload.toString()],
    [queued.requestId, 'echo', '$LATEST', '{"n":1}'],
  );
  await h.storage.asyncEvents.finish(queued.requestId);
});

test('Event: an event that cannot be stored is a 500 ServiceException, never a 202 (B8)', async () => {
  const failing = new FrontEnd({
    functions: h.storage.functions,
    codeDirFor: () => h.codeDir,
    workers: h.workers,
    account: { region: 'us-east-1', accountId: '000000000000' },
    events: { accept: () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')) },
  });
  const outcome = await failing.invoke({
    functionName: 'echo',
    qualifier: undefined,
    payload: Buffer.from('{}'),
    invocationType: 'Event',
    logType: 'None',
    clientContext: undefined,
  });
  assert.ok(outcome.kind === 'rejected');
  assert.deepEqual([outcome.error.status, outcome.error.code], [500, 'ServiceException']);
});
