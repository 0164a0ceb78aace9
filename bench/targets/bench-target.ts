// What the benchmark needs from Hearth and from each peer: start with a set of functions
// (all running the same trivial handler), an invoke address per function, and the process to
// weigh. Each platform is one file beside this one.
import type { InvokeTarget } from '../invoke-client.js';
import type { MemoryModel } from '../sandbox-memory.js';

/**
 * How the many-functions run counts cold starts:
 * - `init-duration`: the invoke's log tail (X-Amz-Log-Type: Tail) has an "Init Duration" (Hearth);
 * - `first-invoke`: the platform never evicts, so only each function's first invoke is cold;
 * - `every-invoke`: every invoke starts a new process.
 */
export type ColdRule = 'init-duration' | 'first-invoke' | 'every-invoke';

export interface StartSpec {
  readonly functions: readonly string[];
  /** Room for this many sandboxes, where the platform has such a cap. */
  readonly maxSandboxes?: number;
  /** More environment for the server (Hearth: HEARTH_POOL_SIZE). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunningTarget {
  /** The processes whose trees hold these functions' sandboxes (the server, for most). */
  memoryRoots(fns: readonly string[]): number[];
  invokeTarget(fn: string): InvokeTarget;
  stop(): Promise<void>;
}

export interface BenchTarget {
  readonly name: string;
  /** Package versions, e.g. "serverless@3.40.0 + serverless-offline@13.10.1". */
  readonly version: string;
  /** How it is invoked, for the results. */
  readonly how: string;
  readonly memoryModel: MemoryModel;
  readonly coldRule: ColdRule;
  /** Why the many-functions run does not apply, when it does not. */
  readonly manyFunctionsSkip?: string;
  /** The platform's idea of a cap on sandboxes for the many-functions run. */
  readonly capNote: string;
  start(spec: StartSpec): Promise<RunningTarget>;
}
