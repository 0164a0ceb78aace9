// The SandboxDriver port: how one execution environment's process is started, measured and
// killed. `drivers/process-driver.ts` runs the runtime as a plain child process; the isolated
// driver (bubblewrap + cgroups) implements the same two-method port. Everything above the driver
// (state machine, Runtime API, logs) is the same for every driver.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/**
 * Where the sandbox's Runtime API is served. The driver decides how the sandbox reaches it: the
 * process driver listens on loopback TCP; an isolated driver with its own network namespace listens
 * on a unix socket that it binds into the sandbox and forwards from 127.0.0.1 inside.
 */
export interface RuntimeApiListener {
  /** Listens on host:0 and resolves to the `host:port` the runtime must use. */
  listenTcp(host: string): Promise<string>;
  /** Listens on a unix socket at `path`. */
  listenUnix(path: string): Promise<void>;
  /**
   * Goes on with a runtime channel connection (runtimes/node/frame-codec.ts) that was opened and
   * upgraded elsewhere: a pre-started sandbox's, handed over at specialisation.
   */
  adoptChannel(socket: Socket): void;
  /** Serves a new connection accepted on a listener the driver owns (the pre-start socket). */
  adoptConnection(socket: Socket): void;
  /** Requests that are not the Runtime API's go to `handler` (Hearth's own API) instead of 404. */
  serveOthers(handler: HearthApiHandler): void;
}

/** Hearth's own API as a request handler: isolated sandboxes reach it through their own socket. */
export type HearthApiHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Set by drivers next to AWS_LAMBDA_RUNTIME_API: a unix socket serving the same Runtime API.
 * Hearth's own runtime clients prefer it (cheaper than loopback TCP); any other client ignores it.
 */
export const RUNTIME_API_SOCKET_VARIABLE = '_HEARTH_RUNTIME_API_SOCKET';

export interface SandboxSpec {
  /** Unique, filesystem-safe id of this sandbox. */
  readonly id: string;
  /** argv of the runtime process, with paths as the sandbox sees them (e.g. /var/runtime/…). */
  readonly argv: readonly string[];
  /**
   * The complete environment of the runtime process, built from scratch (nothing of the platform's
   * own environment). The driver adds `AWS_LAMBDA_RUNTIME_API` (and RUNTIME_API_SOCKET_VARIABLE).
   */
  readonly env: Readonly<Record<string, string>>;
  /** Host directory with the function's extracted code, seen at /var/task, read-only. */
  readonly codeDir: string;
  /** Host directory with Hearth's runtime client for this runtime, seen at /var/runtime. */
  readonly runtimeDir: string;
  /**
   * Host directory with the function's layers merged in order, seen at /opt, read-only.
   * Undefined: the function has no layers and /opt is empty.
   */
  readonly optDir?: string;
  /** Host directories of the host binaries the runtime needs (e.g. the node or python3 install). */
  readonly hostPaths: readonly string[];
  /** More host directories, read-only at the given sandbox paths (e.g. the AWS SDK for Node). */
  readonly readOnlyBinds?: readonly ReadOnlyBind[];
  readonly memoryMb: number;
  /**
   * hearth:memory-burst: the memory limit in MB when it is above memoryMb (docs/tags.md). The CPU
   * share still follows memoryMb. Undefined: the limit is memoryMb.
   */
  readonly memoryBurstMb?: number;
  /**
   * hearth:network=internet: outbound internet through user-mode networking (isolated driver), with
   * the host and private ranges still unreachable. The process driver has the host's network anyway.
   */
  readonly internet?: boolean;
  readonly ephemeralStorageMb: number;
  readonly runtimeApi: RuntimeApiListener;
}

export interface ReadOnlyBind {
  readonly host: string;
  readonly sandbox: string;
}

export interface SandboxExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SandboxProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves once the runtime process (and, where the driver can tell, its whole tree) is gone. */
  readonly exited: Promise<SandboxExit>;
  /** Peak memory of the sandbox so far, in MB (cgroup peak where available, else the process's). */
  maxMemoryUsedMb(): Promise<number>;
  /**
   * Init is over (first GET /next). A driver may now apply invoke-time limits: the isolated driver
   * runs init unthrottled and sets the CPU quota proportional to memory here (Lambda's init boost).
   */
  initialised?(): Promise<void>;
  /**
   * Called once, when the sandbox's first invocation has been answered. The isolated driver holds
   * back the refills of what it makes ahead until the start that took from them got this far.
   */
  firstInvocationEnded?(): void;
  /**
   * Freezes (true) or thaws (false) every process of the sandbox, as Lambda freezes an environment
   * between invocations. Synchronous and cheap (one write to the cgroup freezer); absent where the
   * driver cannot freeze. Thawing returns at once; the runtime runs again within microseconds.
   */
  setFrozen?(frozen: boolean): void;
  /** Kills everything in the sandbox and releases what the driver holds. Idempotent. */
  destroy(): Promise<void>;
  /**
   * Where releasing takes long (the isolated driver: cgroups, the /tmp disk): resolves once every
   * process of the sandbox has been sent SIGKILL, so none of them runs (or allocates) again, while
   * destroy() waits for them to exit and goes on releasing. Call only after destroy(). Absent:
   * destroy() is that moment.
   */
  processesKilled?(): Promise<void>;
}

export interface SandboxDriver {
  /** 'process' or 'isolated'; shown at start-up and in docs. */
  readonly name: string;
  start(spec: SandboxSpec): Promise<SandboxProcess>;
  /** Releases what the driver holds itself (pre-started sandboxes); started ones are their owners'. */
  close?(): Promise<void>;
}
