// The front end: the one invoke path. Resolves the function, checks it can run, and hands the event
// to the worker manager; the sandbox's result becomes an InvokeOutcome value.
// Only `$LATEST` exists today. Asynchronous invocation is refused clearly rather than faked.
// The record is read from the store on every invoke (a point read: microseconds with SQLite or
// memory), so a changed revision is seen at once; forget(name) retires the old sandboxes early.
import { randomUUID } from 'node:crypto';
import { LATEST, type FunctionRecord } from '../control-plane/function-record.js';
import { functionArn, parseFunctionName, type Account, type FunctionRef } from '../control-plane/function-name.js';
import { errors, LambdaError } from '../errors/lambda-error.js';
import type { FunctionStore } from '../storage/ports.js';
import type { WorkerManager } from '../worker-manager/worker-manager.js';
import type { InvokeOutcome, InvokeRequest, Invoker } from './invocation.js';
import { toInvokeOutcome } from './invoke-outcome.js';

/** Invoke's FunctionName may be up to 170 characters (NamespacedFunctionName in the API model). */
const INVOKE_NAME_MAX_LENGTH = 170;
const THROTTLE_RETRY_AFTER_SECONDS = 1;

export interface FrontEndDeps {
  readonly functions: FunctionStore;
  /** Host directory of the extracted code with this CodeSha256 (the code store's treeDir). */
  codeDirFor(codeSha256: string): string;
  readonly workers: Pick<WorkerManager, 'withSandbox' | 'retire'>;
  readonly account: Account;
  /** Platform failures (e.g. a sandbox that could not be started) are reported here. */
  readonly onPlatformError?: (error: unknown) => void;
}

export class FrontEnd implements Invoker {
  /**
   * `$LATEST` records by name. The control plane calls forget() after every change, so a cached
   * record is never stale for longer than the change takes to commit; it saves a store read per
   * invoke on the hot path.
   */
  private readonly records = new Map<string, FunctionRecord>();
  private generation = 0;
  private running = 0;
  private draining = false;
  private idle: (() => void) | undefined;

  constructor(private readonly deps: FrontEndDeps) {}

  async invoke(request: InvokeRequest): Promise<InvokeOutcome> {
    if (this.draining) return { kind: 'rejected', error: errors.service('Hearth is shutting down.') };
    this.running += 1;
    try {
      return await this.admit(request);
    } finally {
      this.running -= 1;
      if (this.running === 0) this.idle?.();
    }
  }

  /** Stops taking invocations and waits (at most `graceMs`) for the running ones to finish. */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async admit(request: InvokeRequest): Promise<InvokeOutcome> {
    const { account } = this.deps;
    let ref: FunctionRef;
    try {
      ref = parseFunctionName(request.functionName, request.qualifier, account, INVOKE_NAME_MAX_LENGTH);
    } catch (error) {
      if (error instanceof LambdaError) return { kind: 'rejected', error };
      throw error;
    }
    if (ref.qualifier !== undefined && ref.qualifier !== LATEST) {
      return { kind: 'rejected', error: errors.functionNotFound(functionArn(account, ref.name, ref.qualifier)) };
    }
    const record = this.records.get(ref.name) ?? (await this.load(ref.name));
    if (record === undefined)
      return { kind: 'rejected', error: errors.functionNotFound(functionArn(account, ref.name, LATEST)) };
    if (record.state !== 'Active') return { kind: 'rejected', error: errors.functionNotReady(record.state) };
    if (request.invocationType === 'Event') {
      return {
        kind: 'rejected',
        error: errors.invalidParameter(
          'Asynchronous invocation (InvocationType Event) is not available in this version of Hearth yet.',
        ),
      };
    }
    if (request.invocationType === 'DryRun') return { kind: 'dry-run' };

    const requestId = randomUUID();
    const invokedFunctionArn = functionArn(account, ref.name, ref.qualifier);
    try {
      const lease = await this.deps.workers.withSandbox(record, this.deps.codeDirFor(record.codeSha256), (sandbox) =>
        sandbox.invoke({
          requestId,
          payload: request.payload,
          clientContext: request.clientContext,
          invokedFunctionArn,
          keepTail: request.logType === 'Tail',
        }),
      );
      if (lease.kind === 'throttled')
        return { kind: 'throttled', reason: lease.reason, retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS };
      return toInvokeOutcome(lease.value.result, requestId, lease.value.logTail);
    } catch (error) {
      this.deps.onPlatformError?.(error);
      return { kind: 'rejected', error: errors.service() };
    }
  }

  /** Call after a function's code or configuration changed, or it was deleted. */
  async forget(functionName: string): Promise<void> {
    this.records.delete(functionName);
    this.generation += 1;
    await this.deps.workers.retire(functionName);
  }

  private async load(name: string): Promise<FunctionRecord | undefined> {
    const generation = this.generation;
    const record = await this.deps.functions.get(name, LATEST);
    // Cache only what no forget() overtook while the read was in flight.
    if (record !== undefined && generation === this.generation) this.records.set(name, record);
    return record;
  }
}
