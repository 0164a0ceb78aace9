// Test support: runs a runtime client as a real child process the way a plain (non-isolated)
// sandbox driver would: function files in a temp code dir, a clean environment built from scratch,
// /var/runtime and /var/task in argv mapped to the host folders, and a TestRuntimeApi to talk to.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync, watch } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { launchFor, type Interpreters } from './runtime-catalog.js';
import { TestRuntimeApi } from './test-runtime-api.js';

export const testInterpreters: Interpreters = {
  node: process.execPath,
  python: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
};

export interface SandboxOptions {
  readonly runtime: string;
  readonly handler: string;
  /** Function code: relative path → file contents. */
  readonly files: Readonly<Record<string, string>>;
  /** Function environment variables; a function receives the host code dir (for PYTHONPATH etc.). */
  readonly env?: Readonly<Record<string, string>> | ((codeDir: string) => Readonly<Record<string, string>>);
  /** The host folder for /var/runtime, instead of the catalog's. */
  readonly runtimeDir?: string;
  /** Also serve the Runtime API on a unix socket, handed over in _HEARTH_RUNTIME_API_SOCKET. */
  readonly unixSocket?: boolean;
}

export interface TestSandbox {
  readonly api: TestRuntimeApi;
  readonly codeDir: string;
  /** performance.now() just before the process was spawned. */
  readonly spawnedAt: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout contains `text` (or rejects if the process exits first). */
  waitForStdout(text: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions): Promise<TestSandbox> {
  const codeDir = await mkdtemp(join(tmpdir(), 'hearth-runtime-test-'));
  for (const [file, contents] of Object.entries(options.files)) {
    await mkdir(dirname(join(codeDir, file)), { recursive: true });
    await writeFile(join(codeDir, file), contents, { mode: file.endsWith('bootstrap') ? 0o755 : 0o644 });
  }
  const api = await TestRuntimeApi.start();
  const socket = options.unixSocket === true ? join(codeDir, '.runtime-api.sock') : undefined;
  if (socket !== undefined) await api.listenUnix(socket);
  const catalogLaunch = launchFor(options.runtime, testInterpreters);
  const launch = { ...catalogLaunch, runtimeDir: options.runtimeDir ?? catalogLaunch.runtimeDir };
  const toHost = (arg: string): string =>
    arg.startsWith('/var/runtime/')
      ? join(launch.runtimeDir, arg.slice('/var/runtime/'.length))
      : arg.startsWith('/var/task/')
        ? join(codeDir, arg.slice('/var/task/'.length))
        : arg;
  const argv = launch.argv.map(toHost);
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TZ: ':UTC',
    _HANDLER: options.handler,
    LAMBDA_TASK_ROOT: codeDir,
    LAMBDA_RUNTIME_DIR: launch.runtimeDir,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: 'test-fn',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/test-fn',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]0123456789abcdef',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    ...launch.env,
    ...(typeof options.env === 'function' ? options.env(codeDir) : options.env),
    AWS_LAMBDA_RUNTIME_API: api.address,
    ...(socket !== undefined ? { _HEARTH_RUNTIME_API_SOCKET: socket } : {}),
  };
  // stdout goes to a file, not a pipe: whatever the runtime wrote before posting a result is in
  // the file when the result arrives, so a test can check that order without racing a pipe.
  const stdoutFile = join(codeDir, '.stdout');
  const stdoutFd = openSync(stdoutFile, 'w');
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    env,
    cwd: codeDir,
    stdio: ['ignore', stdoutFd, 'pipe'],
  });
  closeSync(stdoutFd);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const stdout = (): string => readFileSync(stdoutFile, 'utf8');
  return {
    api,
    codeDir,
    spawnedAt,
    exited,
    stdout,
    stderr: () => err,
    waitForStdout: (text) =>
      new Promise<void>((resolve, reject) => {
        const watcher = watch(stdoutFile, () => check());
        const check = (): void => {
          if (!stdout().includes(text)) return;
          watcher.close();
          resolve();
        };
        void exited.then(() => {
          check();
          watcher.close();
          reject(new Error(`stdout never showed ${JSON.stringify(text)}:\n${stdout()}\n${err}`));
        });
        check();
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await api.close();
      await rm(codeDir, { recursive: true, force: true });
    },
  };
}

/** Starts a sandbox, runs `body` against it, and always stops it. */
export async function withSandbox(
  options: SandboxOptions,
  body: (sandbox: TestSandbox) => Promise<void>,
): Promise<void> {
  const sandbox = await startSandbox(options);
  try {
    await body(sandbox);
  } finally {
    await sandbox.stop();
  }
}

export const parseJson = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;
