// Starts a real Hearth server (`node bin/hearth.js start --port 0`) in a fresh temporary data
// dir, waits for its "Hearth listening on …" line, and stops it with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { childEnv, hearthBin } from './repo-root.js';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface HearthServer {
  readonly endpoint: string;
  readonly port: number;
  /** The keys the server was started with (meaningless with `generateCredentials`). */
  readonly credentials: Credentials;
  readonly region: string;
  readonly dataDir: string;
  /** The server's process id (its sandboxes' cgroups are named after it). */
  readonly pid: number;
  /** The temporary folder holding dataDir; removed by stop(). */
  readonly rootDir: string;
  /** Everything the server wrote to stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: nothing is flushed and the data dir is left in place (B4). */
  kill(): Promise<void>;
}

export interface StartOptions {
  /** Leave HEARTH_ACCESS_KEY_ID/SECRET unset so the server generates keys into the data dir. */
  readonly generateCredentials?: boolean;
  readonly env?: Record<string, string>;
  readonly readyTimeoutMs?: number;
  /** Start on this existing data dir (a restart); the caller removes it, stop() does not. */
  readonly dataDir?: string;
}

const LISTENING = /Hearth listening on (http:\/\/[^\s]+)/;

export async function startHearth(options: StartOptions = {}): Promise<HearthServer> {
  const reused = options.dataDir !== undefined;
  const rootDir = reused ? path.dirname(options.dataDir!) : mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-'));
  const dataDir = options.dataDir ?? path.join(rootDir, 'data');
  if (!reused) mkdirSync(dataDir);
  const credentials: Credentials = {
    accessKeyId: 'HEARTHTEST' + randomBytes(5).toString('hex').toUpperCase(),
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  const keys: Record<string, string> = options.generateCredentials
    ? {}
    : { HEARTH_ACCESS_KEY_ID: credentials.accessKeyId, HEARTH_SECRET_ACCESS_KEY: credentials.secretAccessKey };
  const child = spawn(process.execPath, [hearthBin(), 'start', '--port', '0', '--data-dir', dataDir], {
    env: childEnv({ ...keys, ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  // Both streams are drained for the server's whole life, so it never blocks on a full pipe.
  child.stdout.on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-64_000);
  });
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-64_000);
  });

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A test process that dies without calling stop() must not leave its server running.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  let endpoint: string;
  try {
    // The ready line belongs on stdout; stderr is accepted too, so a move does not hang the tests.
    endpoint = await waitForListening(
      child,
      options.readyTimeoutMs ?? 30_000,
      () => LISTENING.exec(stdout)?.[1] ?? LISTENING.exec(stderr)?.[1],
    );
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    if (!reused) rmSync(rootDir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n--- hearth stdout ---\n${stdout}\n--- hearth stderr ---\n${stderr}`);
  }

  let stopped: Promise<void> | undefined;
  // A server that dies under a test shows up as connection errors; say why it died.
  void exited.then((code) => {
    if (stopped === undefined)
      process.stderr.write(
        `Hearth exited unexpectedly (code ${code})\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}\n`,
      );
  });
  return {
    endpoint,
    port: Number(new URL(endpoint).port),
    credentials,
    region: 'us-east-1',
    dataDir,
    pid: child.pid ?? 0,
    rootDir,
    output: () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
    stop() {
      stopped ??= stopChild(child, exited).finally(() => {
        if (!reused) rmSync(rootDir, { recursive: true, force: true });
      });
      return stopped;
    },
    kill() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      })();
      return stopped;
    },
  };
}

function waitForListening(child: ChildProcess, timeoutMs: number, ready: () => string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Hearth did not print "Hearth listening on …" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (): void => {
      const found = ready();
      if (found !== undefined) {
        cleanup();
        resolve(found);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      cleanup();
      reject(new Error(`Hearth exited before it was ready (code ${code}, signal ${signal})`));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Resolves once the server has printed `line` (polled every 20 ms); throws after `timeoutMs`. */
export async function printed(server: HearthServer, line: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!server.output().includes(line)) {
    if (Date.now() > deadline) throw new Error(`the server never printed "${line}"\n${server.output()}`);
    await delay(20);
  }
}
