// Test support for the isolated driver: a real ExecutionEnvironment (Runtime API, logs, state
// machine) over the IsolatedDriver, running one of Hearth's real runtimes on a function written to
// a temp code dir. Tests skip with a message where isolation cannot work (not root, no bwrap).
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LogSink } from '../../observability/log-sink.js';
import { launchFor } from '../../runtimes/runtime-catalog.js';
import { testInterpreters } from '../../runtimes/test-sandbox.js';
import { MemoryLogStore } from '../../storage/memory/memory-log-store.js';
import { ExecutionEnvironment } from '../execution-environment.js';
import type { SandboxRun } from '../sandbox-result.js';
import { buildSandboxEnvironment, newLogStreamName } from '../sandbox-environment.js';
import { detectIsolation, openCgroups, type IsolationSupport } from '../isolation/detect-isolation.js';
import { IsolatedDriver } from './isolated-driver.js';

export interface TestFunction {
  readonly files: Readonly<Record<string, string>>;
  /** Files of the merged layers, seen at /opt; none: an empty /opt. */
  readonly optFiles?: Readonly<Record<string, string>>;
  readonly handler?: string;
  readonly runtime?: string;
  readonly memoryMb?: number;
  readonly ephemeralStorageMb?: number;
  readonly timeoutSeconds?: number;
  readonly variables?: Readonly<Record<string, string>>;
  readonly name?: string;
  /** hearth:network=internet. */
  readonly internet?: boolean;
}

export interface TestEnvironment {
  readonly environment: ExecutionEnvironment;
  readonly codeDir: string;
  /** Every log line the sandbox produced so far. */
  readonly lines: string[];
  invoke(event: unknown): Promise<SandboxRun>;
  close(): Promise<void>;
}

export interface IsolatedHarness {
  readonly driver: IsolatedDriver;
  readonly stateDir: string;
  start(fn: TestFunction): Promise<TestEnvironment>;
  close(): Promise<void>;
}

let support: Promise<IsolationSupport> | undefined;

/** Why the isolated tests cannot run here, or undefined when they can. */
export async function isolationSkipReason(): Promise<string | undefined> {
  support ??= detectIsolation();
  const result = await support;
  return result.available ? undefined : `isolation unavailable: ${result.reason ?? 'unknown'}`;
}

export async function isolatedHarness(
  /** init false: start sandboxes through setpriv and /bin/sh, as a build without a C compiler does. */
  options: { freezeIdle?: boolean; seccomp?: boolean; poolSize?: number; init?: boolean } = {},
): Promise<IsolatedHarness> {
  const detected = await (support ??= detectIsolation());
  const stateDir = await mkdtemp(join(tmpdir(), 'hearth-isolated-test-'));
  const driver = new IsolatedDriver({
    stateDir,
    cgroups: await openCgroups(),
    ...(detected.tools?.socat !== undefined ? { socat: detected.tools.socat } : {}),
    ...(detected.tools?.init !== undefined && options.init !== false ? { init: detected.tools.init } : {}),
    ...(detected.tools?.parkingNetwork !== undefined ? { parkingNetwork: detected.tools.parkingNetwork } : {}),
    ...(options.freezeIdle !== undefined ? { freezeIdle: options.freezeIdle } : {}),
    ...(options.seccomp !== undefined ? { seccomp: options.seccomp } : {}),
    ...(detected.tools?.network !== undefined ? { network: detected.tools.network } : {}),
    ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
  });
  // Sandboxes of test runs that died (kill -9, a crash) go first, as at Hearth's start.
  await driver.sweep();
  const store = new MemoryLogStore(100_000);
  const open = new Set<TestEnvironment>();
  return {
    driver,
    stateDir,
    async start(fn) {
      const writeTree = async (files: Readonly<Record<string, string>>) => {
        const dir = await mkdtemp(join(tmpdir(), 'hearth-isolated-code-'));
        await chmod(dir, 0o755);
        for (const [file, contents] of Object.entries(files)) {
          await mkdir(dirname(join(dir, file)), { recursive: true, mode: 0o755 });
          await writeFile(join(dir, file), contents, { mode: file.endsWith('bootstrap') ? 0o755 : 0o644 });
        }
        return dir;
      };
      const codeDir = await writeTree(fn.files);
      const optDir = fn.optFiles === undefined ? undefined : await writeTree(fn.optFiles);
      const runtime = fn.runtime ?? 'nodejs20.x';
      const launch = launchFor(runtime, testInterpreters);
      const name = fn.name ?? `iso-${randomUUID().slice(0, 8)}`;
      const memoryMb = fn.memoryMb ?? 256;
      const logStreamName = newLogStreamName('$LATEST', new Date());
      const lines: string[] = [];
      const logs = new LogSink(store, { onLine: (_fn, event) => lines.push(event.message) });
      const env = buildSandboxEnvironment({
        functionName: name,
        version: '$LATEST',
        handler: fn.handler ?? 'index.handler',
        memorySize: memoryMb,
        region: 'us-east-1',
        variables: fn.variables ?? {},
        launchEnv: launch.env,
        logStreamName,
        credentials: { accessKeyId: 'ASIATEST', secretAccessKey: 'secret', sessionToken: 'token' },
        endpointUrl: 'http://127.0.0.1:1',
      });
      const environment = new ExecutionEnvironment(
        {
          functionName: name,
          version: '$LATEST',
          memorySizeMb: memoryMb,
          timeoutSeconds: fn.timeoutSeconds ?? 10,
          logStreamName,
          spec: {
            id: `${name}-${randomUUID()}`,
            argv: launch.argv,
            env,
            codeDir,
            runtimeDir: launch.runtimeDir,
            ...(optDir !== undefined ? { optDir } : {}),
            hostPaths: launch.hostPaths,
            ...(launch.readOnlyBinds !== undefined ? { readOnlyBinds: launch.readOnlyBinds } : {}),
            memoryMb,
            ...(fn.internet === true ? { internet: true } : {}),
            ephemeralStorageMb: fn.ephemeralStorageMb ?? 512,
          },
        },
        { driver, logs },
      );
      await environment.start();
      const handle: TestEnvironment = {
        environment,
        codeDir,
        lines,
        invoke: (event) =>
          environment.invoke({
            requestId: randomUUID(),
            payload: Buffer.from(JSON.stringify(event)),
            clientContext: undefined,
            invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
            keepTail: true,
          }),
        async close() {
          open.delete(handle);
          await environment.destroy();
          await logs.close();
          await rm(codeDir, { recursive: true, force: true });
          if (optDir !== undefined) await rm(optDir, { recursive: true, force: true });
        },
      };
      open.add(handle);
      return handle;
    },
    async close() {
      for (const handle of [...open]) await handle.close();
      await driver.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** The payload of a successful run, parsed; fails the test with the result otherwise. */
export function successPayload<T>(run: SandboxRun): T {
  if (run.result.kind !== 'success')
    throw new Error(`expected success, got ${JSON.stringify(run.result)}\n${run.logTail ?? ''}`);
  return JSON.parse(run.result.payload.toString('utf8')) as T;
}

/** Host pids whose command line carries `marker` (a process title a handler set). */
export function hostPidsTitled(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * The files of a Node function whose handler runs `body` (the source of an async function of
 * `event`), with `fs`, `net`, `cp` (child_process) and `errno(fn)` (the error code fn throws, or
 * 'ok') in scope.
 */
export function probeHandler(body: string): Record<string, string> {
  return {
    'index.mjs': `import fs from 'node:fs'; import net from 'node:net'; import cp from 'node:child_process';
const errno = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code; } };
export const handler = async (event) => { ${body} };`,
  };
}
