// Test fixture: a real custom runtime (a small Node script speaking the Runtime API over node:http)
// and a wired FrontEnd + WorkerManager + ProcessDriver around it. Init behaviour follows _HANDLER
// ('echo', 'init-error', 'exit-during-init'); per-invocation behaviour follows the event's fields.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LATEST, type FunctionRecord } from '../control-plane/function-record.js';
import { LogSink } from '../observability/log-sink.js';
import { LocalPlacement } from '../placement/placement.js';
import { ProcessDriver } from '../sandbox/drivers/process-driver.js';
import type { SandboxDriver } from '../sandbox/sandbox-driver.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import type { Storage } from '../storage/ports.js';
import { WorkerManager, type WorkerManagerDeps } from '../worker-manager/worker-manager.js';
import { FrontEnd } from './front-end.js';
import type { InvokeOutcome, InvokeRequest } from './invocation.js';

const RUNTIME = String.raw`
import http from 'node:http';
import { appendFileSync, existsSync, writeSync } from 'node:fs';
// Like Lambda's own runtime clients, write logs synchronously, so they are out before the result.
const log = (text) => writeSync(1, text + '\n');
const logError = (text) => writeSync(2, text + '\n');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({ keepAlive: true });
const base = '/2018-06-01/runtime';
function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host, port, method, path, agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end(body);
  });
}
if (process.env.STARTS_FILE) appendFileSync(process.env.STARTS_FILE, process.pid + '\n');
const mode = process.env._HANDLER;
log('init of ' + mode);
if (mode === 'init-error') {
  await call('POST', base + '/init/error', JSON.stringify({ errorType: 'Runtime.ImportModuleError', errorMessage: "Cannot find module 'nope'" }),
    { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });
  process.exit(1);
}
if (mode === 'exit-during-init') process.exit(1);
let count = 0;
for (;;) {
  const next = await call('GET', base + '/invocation/next');
  const id = next.headers['lambda-runtime-aws-request-id'];
  const event = JSON.parse(next.body.toString() || '{}');
  count += 1;
  if (event.print) for (const line of event.print) log(line);
  if (event.stderr) logError(event.stderr);
  if (event.flood) for (let i = 0; i < event.flood; i++) log(i + ' ' + 'x'.repeat(200));
  if (event.touch) appendFileSync(event.touch, 'running\n');
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  // Busy until the test says so: a condition, not a guess at how long the test needs.
  while (event.holdUntil && !existsSync(event.holdUntil)) await new Promise((resolve) => setTimeout(resolve, 5));
  if (event.exit !== undefined) process.exit(event.exit);
  if (event.kill) process.kill(process.pid, event.kill);
  if (event.fail) {
    await call('POST', base + '/invocation/' + id + '/error', JSON.stringify({ errorType: 'Error', errorMessage: event.fail, stackTrace: [] }),
      { 'Lambda-Runtime-Function-Error-Type': 'Unhandled' });
    continue;
  }
  const body = event.minimal ? '{"ok":true}' : event.bigResponse ? Buffer.alloc(event.bigResponse, 0x61)
    : JSON.stringify({ event, count, pid: process.pid, cwd: process.cwd(), env: process.env,
        deadline: next.headers['lambda-runtime-deadline-ms'], arn: next.headers['lambda-runtime-invoked-function-arn'],
        traceId: next.headers['lambda-runtime-trace-id'], clientContext: next.headers['lambda-runtime-client-context'] });
  const posted = await call('POST', base + '/invocation/' + id + '/response', body);
  if (posted.status !== 202) log('response refused with ' + posted.status);
}
`;

export interface Harness {
  readonly frontEnd: FrontEnd;
  readonly workers: WorkerManager;
  readonly storage: Storage;
  readonly logs: LogSink;
  readonly codeDir: string;
  readonly dir: string;
  readonly revoked: string[];
  addFunction(overrides: Partial<FunctionRecord> & { name: string }): Promise<FunctionRecord>;
  invoke(name: string, event?: unknown, extra?: Partial<InvokeRequest>): Promise<InvokeOutcome>;
  close(): Promise<void>;
}

export async function startHarness(
  options: Partial<
    Pick<
      WorkerManagerDeps,
      | 'idleTimeoutSeconds'
      | 'maxSandboxes'
      | 'initTimeoutMs'
      | 'sandboxMemoryMb'
      | 'queueLength'
      | 'queueWaitMs'
      | 'scalingRate'
      | 'metrics'
      | 'now'
    >
  > & {
    /** Wraps the process driver (to slow or observe it). */
    readonly wrapDriver?: (driver: SandboxDriver) => SandboxDriver;
  } = {},
): Promise<Harness> {
  const { wrapDriver = (driver: SandboxDriver) => driver, ...deps } = options;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hearth-datapath-'));
  const codeDir = path.join(dir, 'code');
  const driver = wrapDriver(new ProcessDriver({ tmpBaseDir: path.join(dir, 'tmp') }));
  const runtimeDir = path.join(dir, 'runtime');
  mkdirSync(codeDir);
  mkdirSync(runtimeDir);
  writeFileSync(path.join(codeDir, 'runtime.mjs'), RUNTIME);
  const storage = createMemoryStorage({ logRetentionEvents: 100_000 });
  const logs = new LogSink(storage.logs);
  const revoked: string[] = [];
  let issued = 0;
  const account = { region: 'us-east-1', accountId: '000000000000' };
  const workers = new WorkerManager({
    placement: new LocalPlacement(driver),
    logs,
    launchFor: () => ({
      argv: [process.execPath, '/var/task/runtime.mjs'],
      runtimeDir,
      hostPaths: [],
      env: { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' },
    }),
    issueCredentials: async () => {
      issued += 1;
      const accessKeyId = `ASIATEST${issued}`;
      return { accessKeyId, secretAccessKey: 'secret', sessionToken: 'token', revoke: () => revoked.push(accessKeyId) };
    },
    region: account.region,
    endpointUrl: () => 'http://127.0.0.1:4280',
    ...deps,
    idleTimeoutSeconds: deps.idleTimeoutSeconds ?? 600,
  });
  const frontEnd = new FrontEnd({
    functions: storage.functions,
    codeDirFor: () => codeDir,
    workers,
    account,
    events: { accept: (event) => storage.asyncEvents.enqueue(event) },
  });
  return {
    frontEnd,
    workers,
    storage,
    logs,
    codeDir,
    dir,
    revoked,
    async addFunction(overrides) {
      const record = functionRecord(overrides);
      await storage.functions.insert(record);
      return record;
    },
    invoke(name, event = {}, extra = {}) {
      return frontEnd.invoke({
        functionName: name,
        qualifier: undefined,
        payload: Buffer.from(JSON.stringify(event)),
        invocationType: 'RequestResponse',
        logType: 'None',
        clientContext: undefined,
        ...extra,
      });
    },
    async close() {
      await workers.shutdown();
      await driver.close?.();
      await logs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function functionRecord(overrides: Partial<FunctionRecord> & { name: string }): FunctionRecord {
  return {
    version: LATEST,
    runtime: 'provided.al2023',
    handler: 'echo',
    role: 'arn:aws:iam::000000000000:role/r',
    description: '',
    memorySize: 128,
    timeout: 3,
    ephemeralStorage: 512,
    environment: {},
    architectures: ['x86_64'],
    packageType: 'Zip',
    codeSha256: 'sha',
    codeSize: 1,
    revisionId: 'rev-1',
    lastModified: '2024-01-01T00:00:00.000+0000',
    state: 'Active',
    lastUpdateStatus: 'Successful',
    tags: {},
    ...overrides,
  };
}

/** The runtime's pid from a successful invoke of the tiny runtime (every answer carries it). */
export function pidOf(outcome: InvokeOutcome): number {
  assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
  assert.ok(outcome.kind === 'success');
  return (JSON.parse(outcome.payload.toString()) as { pid: number }).pid;
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
