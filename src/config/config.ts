// Hearth's settings. This folder is the only reader of process.env; everything else receives a
// Config. Every setting is documented in docs/configuration.md.
import os from 'node:os';
import path from 'node:path';

/** How sandboxes are isolated: see docs/isolation.md. */
export const ISOLATION_MODES = ['auto', 'required', 'off'] as const;
export type IsolationMode = (typeof ISOLATION_MODES)[number];

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly region: string;
  readonly accountId: string;
  /** Operator credentials; when unset they are generated once into the data dir. */
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  /** Idle seconds after which a warm sandbox is shut down. */
  readonly idleTimeoutSeconds: number;
  /** Most sandboxes alive at once on this host; past it an idle one is evicted (docs/capacity.md). */
  readonly maxSandboxes: number;
  /** Memory (MB) all sandboxes together may be granted; never overcommitted (docs/capacity.md). */
  readonly sandboxMemoryMb: number;
  /** Most invocations waiting for room at once, and for how long (ms), before a 429. */
  readonly queueLength: number;
  readonly queueWaitMs: number;
  /** New on-demand execution environments each function may add per 10 s (Lambda: 1,000). */
  readonly scalingRate: number;
  /** Log events kept per function (oldest dropped first). */
  readonly logRetentionEvents: number;
  /** Interpreters used for the nodejs* and python3.* runtimes. */
  readonly nodeBinary: string;
  readonly pythonBinary: string;
  /** Grace given to running invocations on SIGINT/SIGTERM before they are cut off. */
  readonly shutdownGraceSeconds: number;
  /** auto: isolate where the host can, else warn loudly; required: refuse to start without; off. */
  readonly isolation: IsolationMode;
  /** Freeze isolated sandboxes between invocations (cgroup freezer), as Lambda does. */
  readonly freezeIdle: boolean;
  /** Most pre-started isolated sandboxes kept ready per runtime kind; 0 disables the pool. */
  readonly poolSize: number;
  /** Concurrent executions the whole account may run (Lambda's default quota: 1,000). */
  readonly accountConcurrency: number;
  /** Concurrency that reservations and provisioned concurrency must leave unreserved (Lambda: 100). */
  readonly minimumUnreserved: number;
  /** Async events run at once by the pollers, across all functions (docs/async.md). */
  readonly asyncConcurrency: number;
  /** Multiplies Lambda's async retry delays (1 min, 2 min; throttles 1 s … 5 min); tests use e.g. 0.01. */
  readonly asyncRetryScale: number;
}

export interface StartFlags {
  readonly host?: string | undefined;
  readonly port?: string | number | undefined;
  readonly dataDir?: string | undefined;
  readonly isolation?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(flags: StartFlags = {}, env: Env = process.env, hostMemoryMb = hostMemory()): Config {
  return {
    host: flags.host ?? env['HEARTH_HOST'] ?? '127.0.0.1',
    port: parsePort(flags.port ?? env['HEARTH_PORT'] ?? 4280),
    dataDir: path.resolve(flags.dataDir ?? env['HEARTH_DATA_DIR'] ?? '.hearth'),
    region: env['HEARTH_REGION'] ?? 'us-east-1',
    accountId: env['HEARTH_ACCOUNT_ID'] ?? '000000000000',
    accessKeyId: nonEmpty(env['HEARTH_ACCESS_KEY_ID']),
    secretAccessKey: nonEmpty(env['HEARTH_SECRET_ACCESS_KEY']),
    idleTimeoutSeconds: positiveNumber(env['HEARTH_IDLE_TIMEOUT_SECONDS'], 600, 'HEARTH_IDLE_TIMEOUT_SECONDS'),
    maxSandboxes: Math.floor(positiveNumber(env['HEARTH_MAX_SANDBOXES'], 64, 'HEARTH_MAX_SANDBOXES')),
    logRetentionEvents: positiveNumber(env['HEARTH_LOG_RETENTION_EVENTS'], 10_000, 'HEARTH_LOG_RETENTION_EVENTS'),
    nodeBinary: env['HEARTH_NODE'] ?? process.execPath,
    pythonBinary: env['HEARTH_PYTHON'] ?? 'python3',
    shutdownGraceSeconds: positiveNumber(env['HEARTH_SHUTDOWN_GRACE_SECONDS'], 30, 'HEARTH_SHUTDOWN_GRACE_SECONDS'),
    isolation: parseIsolation(flags.isolation ?? env['HEARTH_ISOLATION'] ?? 'auto'),
    freezeIdle: onOff(env['HEARTH_FREEZE_IDLE'], true, 'HEARTH_FREEZE_IDLE'),
    // At most 2 ready per runtime kind, fewer as demand drops (docs/isolation.md, "Pre-started pool").
    poolSize: wholeNumber(env['HEARTH_POOL_SIZE'], 2, 'HEARTH_POOL_SIZE', 0),
    ...concurrencyLimits(env),
    sandboxMemoryMb: wholeNumber(
      env['HEARTH_SANDBOX_MEMORY_MB'],
      defaultSandboxMemoryMb(hostMemoryMb),
      'HEARTH_SANDBOX_MEMORY_MB',
      128,
    ),
    queueLength: wholeNumber(env['HEARTH_QUEUE_LENGTH'], 100, 'HEARTH_QUEUE_LENGTH', 0),
    queueWaitMs: wholeNumber(env['HEARTH_QUEUE_WAIT_MS'], 2000, 'HEARTH_QUEUE_WAIT_MS', 0),
    scalingRate: wholeNumber(env['HEARTH_SCALING_RATE'], 1000, 'HEARTH_SCALING_RATE', 1),
    asyncConcurrency: wholeNumber(env['HEARTH_ASYNC_CONCURRENCY'], 32, 'HEARTH_ASYNC_CONCURRENCY', 1),
    asyncRetryScale: positiveNumber(env['HEARTH_ASYNC_RETRY_SCALE'], 1, 'HEARTH_ASYNC_RETRY_SCALE'),
  };
}

/** Memory Hearth keeps for itself (its Node process, SQLite, log buffers) out of the default budget. */
export const HEARTH_OWN_MEMORY_MB = 256;

/** The default sandbox memory budget: 75 % of the host's memory, minus Hearth's own; at least 128 MB. */
export function defaultSandboxMemoryMb(hostMemoryMb: number): number {
  return Math.max(128, Math.floor(hostMemoryMb * 0.75) - HEARTH_OWN_MEMORY_MB);
}

/** The machine's memory in MB, or the cgroup limit Hearth runs under when that is lower. */
function hostMemory(): number {
  const total = os.totalmem();
  const constrained = process.constrainedMemory?.() ?? 0;
  const limit = constrained > 0 && constrained < total ? constrained : total;
  return Math.floor(limit / (1024 * 1024));
}

function concurrencyLimits(env: Env): Pick<Config, 'accountConcurrency' | 'minimumUnreserved'> {
  const accountConcurrency = wholeNumber(env['HEARTH_ACCOUNT_CONCURRENCY'], 1000, 'HEARTH_ACCOUNT_CONCURRENCY', 1);
  const minimumUnreserved = wholeNumber(env['HEARTH_MINIMUM_UNRESERVED'], 100, 'HEARTH_MINIMUM_UNRESERVED', 0);
  if (minimumUnreserved > accountConcurrency) {
    throw new Error(
      `Invalid HEARTH_MINIMUM_UNRESERVED "${minimumUnreserved}": it cannot exceed HEARTH_ACCOUNT_CONCURRENCY (${accountConcurrency}).`,
    );
  }
  return { accountConcurrency, minimumUnreserved };
}

/** Where client commands (`hearth invoke`, `deploy`, …) find the server and credentials. */
export interface ClientSettings {
  readonly endpoint: string | undefined;
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  readonly sessionToken: string | undefined;
  readonly region: string | undefined;
  readonly dataDir: string;
}

export function loadClientSettings(env: Env = process.env): ClientSettings {
  return {
    endpoint: nonEmpty(env['AWS_ENDPOINT_URL_LAMBDA']) ?? nonEmpty(env['AWS_ENDPOINT_URL']),
    accessKeyId: nonEmpty(env['AWS_ACCESS_KEY_ID']),
    secretAccessKey: nonEmpty(env['AWS_SECRET_ACCESS_KEY']),
    sessionToken: nonEmpty(env['AWS_SESSION_TOKEN']),
    region: nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']),
    dataDir: path.resolve(env['HEARTH_DATA_DIR'] ?? '.hearth'),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function onOff(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`Invalid ${name} "${value}": use on or off.`);
}

function parseIsolation(value: string): IsolationMode {
  const mode = ISOLATION_MODES.find((candidate) => candidate === value);
  if (mode === undefined) throw new Error(`Invalid isolation "${value}": use one of ${ISOLATION_MODES.join(', ')}.`);
  return mode;
}

function parsePort(value: string | number): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Invalid port "${value}": use a whole number from 0 to 65535.`);
  }
  return port;
}

function positiveNumber(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`Invalid ${name} "${value}": use a positive number.`);
  return n;
}

function wholeNumber(value: string | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`Invalid ${name} "${value}": use a whole number of at least ${min}.`);
  }
  return n;
}
