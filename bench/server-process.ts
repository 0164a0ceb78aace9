// Starts a server process for the benchmark (the floor, Hearth, a peer), waits for the line that
// says it is ready, drains its output for its whole life, and stops it (SIGTERM, then SIGKILL).
// Every process gets `childEnv()`: this environment minus NODE_EXTRA_CA_CERTS (which adds ~90 ms
// to every Node start on this machine), AWS_* and HEARTH_*.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { childEnv } from '../test/support/repo-root.js';

export interface ServerProcess {
  readonly pid: number;
  /** The first match of `ready` in the output. */
  readonly match: RegExpExecArray;
  output(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  readonly ready: RegExp;
  readonly timeoutMs?: number;
}

export async function startServer(command: string, args: string[], options: ServerOptions): Promise<ServerProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killOnExit(child, exited);

  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${command} did not print ${options.ready} within ${options.timeoutMs ?? 60_000} ms`)),
      options.timeoutMs ?? 60_000,
    );
    const onData = (chunk: string): void => {
      output = (output + chunk).slice(-64_000);
      const found = options.ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n${output.slice(-3000)}`));
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`${command} exited (code ${code}, signal ${signal})`)));
  });

  let stopped: Promise<void> | undefined;
  return {
    pid: child.pid!,
    match,
    output: () => output,
    stop: () => (stopped ??= stopChild(child, exited)),
  };
}

/** Servers still running, killed if the benchmark exits first (one exit listener for them all). */
const running = new Set<ChildProcess>();

function killOnExit(child: ChildProcess, exited: Promise<void>): void {
  if (running.size === 0) process.once('exit', killRunning);
  running.add(child);
  void exited.then(() => {
    running.delete(child);
    if (running.size === 0) process.off('exit', killRunning);
  });
}

function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A loopback port that was free a moment ago, for tools that cannot listen on port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
