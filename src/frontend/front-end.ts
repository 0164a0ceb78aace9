// The front end: the one invoke path. Resolves the function and its qualifier ($LATEST, a version,
// an alias with weighted routing), admits the invocation against the concurrency limits (a lease
// taken and given back in one block), and hands the event to the worker manager; the sandbox's
// result becomes an InvokeOutcome value. An Event invocation is handed to the async intake
// (src/async-invoke), which answers once the event is durable; its pollers call invoke() again.
// Records, aliases and reservations are cached (function-cache.ts); the control plane calls
// forget(name) or refresh(name) after every change.
import { randomUUID } from 'node:crypto';
import { pickAliasVersion } from '../control-plane/alias-routing.js';
import { DEFAULT_CONCURRENCY_LIMITS } from '../control-plane/concurrency-service.js';
import { LATEST, type FunctionRecord } from '../control-plane/function-record.js';
import { functionArn, parseFunctionName, type Account, type FunctionRef } from '../control-plane/function-name.js';
import { errors, LambdaError } from '../errors/lambda-error.js';
import type { SandboxInvocation } from '../sandbox/sandbox-result.js';
import type { AsyncEvent, FunctionStore } from '../storage/ports.js';
import type { ThrottleCause, WorkerManager } from '../worker-manager/worker-manager.js';
import { ConcurrencyCounter } from './concurrency-counter.js';
import { FunctionCache } from './function-cache.js';
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
  /** Concurrent executions the account may run; default 1,000, as on Lambda. */
  readonly accountConcurrency?: number;
  /** Uniform in [0, 1): picks the version of an alias with weighted routing. Default Math.random. */
  readonly random?: () => number;
  /** Where Event invocations go; resolves once the event is durable. Without it Event is refused. */
  readonly events?: { accept(event: AsyncEvent): Promise<void> };
}

/**
 * The Reason of a 429 the worker manager caused. No room on the host is the node's concurrency
 * running out (ConcurrentInvocationLimitExceeded). AWS does not document which Reason its scaling
 * rate gives; Hearth uses the model's rate reasons: FunctionInvocationRateLimitExceeded, or
 * ReservedFunctionInvocationRateLimitExceeded for a function with reserved concurrency.
 */
/** True when a qualifier names $LATEST or a version number (else it is an alias). */
function namesVersion(qualifier: string): boolean {
  return qualifier === LATEST || /^[0-9]+$/.test(qualifier);
}

function throttleReason(cause: ThrottleCause, reserved: boolean): string {
  if (cause === 'capacity') return 'ConcurrentInvocationLimitExceeded';
  return reserved ? 'ReservedFunctionInvocationRateLimitExceeded' : 'FunctionInvocationRateLimitExceeded';
}

/**
 * What the sandbox runs, for the caller's request. The signal is read only by a sandbox that waits
 * on the caller (hearth:timeout=none), so it is made on demand: a getter on the prototype, since an
 * object literal with a getter costs ~0.7 µs to create in Node 20's V8.
 */
class CallerInvocation implements SandboxInvocation {
  readonly payload: Buffer;
  readonly clientContext: string | undefined;
  readonly keepTail: boolean;
  readonly #request: InvokeRequest;

  constructor(
    readonly requestId: string,
    readonly invokedFunctionArn: string,
    request: InvokeRequest,
  ) {
    this.#request = request;
    this.payload = request.payload;
    this.clientContext = request.clientContext;
    this.keepTail = request.logType === 'Tail';
  }

  get signal(): AbortSignal | undefined {
    return this.#request.signal;
  }
}

export class FrontEnd implements Invoker {
  private readonly cache: FunctionCache;
  private readonly counter = new ConcurrencyCounter();
  private readonly accountConcurrency: number;
  private readonly random: () => number;
  private running = 0;
  private draining = false;
  private idle: (() => void) | undefined;

  constructor(private readonly deps: FrontEndDeps) {
    this.cache = new FunctionCache(deps.functions);
    this.accountConcurrency = deps.accountConcurrency ?? DEFAULT_CONCURRENCY_LIMITS.accountConcurrency;
    this.random = deps.random ?? Math.random;
  }

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
    // A warm invoke finds everything cached: read synchronously, without an await per lookup.
    const qualifier = ref.qualifier ?? LATEST;
    const record = this.cachedRecord(ref.name, qualifier) ?? (await this.resolve(ref.name, qualifier));
    if (record === undefined) {
      return {
        kind: 'rejected',
        error: errors.functionNotFound(functionArn(account, ref.name, qualifier)),
      };
    }
    if (record.state !== 'Active') return { kind: 'rejected', error: errors.functionNotReady(record.state) };
    if (request.invocationType === 'Event') return this.enqueue(record.name, ref.qualifier, request);
    if (request.invocationType === 'DryRun') return { kind: 'dry-run' };

    const requestId = request.requestId ?? randomUUID();
    const invokedFunctionArn = functionArn(account, ref.name, ref.qualifier);
    try {
      const { reserved, provisionedTotal, provisionedByVersion } =
        this.cache.cachedLimits(record.name) ?? (await this.cache.limits(record.name));
      const totalReserved = this.cache.cachedTotalReserved() ?? (await this.cache.totalReservedConcurrency());
      const limits = {
        reserved,
        provisionedTotal,
        provisioned: provisionedByVersion.get(record.version) ?? 0,
        unreservedCapacity: this.accountConcurrency - totalReserved,
      };
      const admitted = await this.counter.withLease(record.name, record.version, limits, () =>
        this.deps.workers.withSandbox(record, this.deps.codeDirFor(record.codeSha256), (sandbox) =>
          sandbox.invoke(new CallerInvocation(requestId, invokedFunctionArn, request)),
        ),
      );
      if (admitted.kind !== 'ran') {
        return { kind: 'throttled', reason: admitted.reason, retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS };
      }
      const lease = admitted.value;
      switch (lease.kind) {
        case 'ran':
          return toInvokeOutcome(lease.value.result, requestId, lease.value.logTail, record.version);
        case 'throttled':
          return {
            kind: 'throttled',
            reason: throttleReason(lease.cause, limits.reserved !== undefined),
            retryAfterSeconds: lease.retryAfterSeconds,
          };
        case 'unfit':
          return { kind: 'rejected', error: errors.largerThanSandboxBudget(lease.memoryMb, lease.budgetMb) };
        default: {
          const never: never = lease;
          throw new Error(`unknown lease ${JSON.stringify(never)}`);
        }
      }
    } catch (error) {
      this.deps.onPlatformError?.(error);
      return { kind: 'rejected', error: errors.service() };
    }
  }

  /** Event: commit the event durably, then the API answers 202 (B4); a failed write is a 500, never a 202 (B8). */
  private async enqueue(name: string, qualifier: string | undefined, request: InvokeRequest): Promise<InvokeOutcome> {
    if (this.deps.events === undefined) {
      return { kind: 'rejected', error: errors.invalidParameter('Asynchronous invocation is not configured.') };
    }
    const requestId = randomUUID();
    try {
      await this.deps.events.accept({
        requestId,
        functionName: name,
        qualifier,
        payload: request.payload,
        clientContext: request.clientContext,
        acceptedAt: Date.now(),
      });
    } catch (error) {
      this.deps.onPlatformError?.(error);
      return { kind: 'rejected', error: errors.eventNotQueued() };
    }
    return { kind: 'queued', requestId };
  }

  /** Call after a function's code or configuration changed, or it was deleted. */
  async forget(functionName: string): Promise<void> {
    this.cache.drop(functionName);
    await this.deps.workers.retire(functionName);
  }

  /** Call after an alias, a reservation or provisioned concurrency changed: re-read them, keep the warm sandboxes. */
  refresh(functionName: string): void {
    this.cache.drop(functionName);
  }

  /** The cached record of $LATEST or a version; undefined for an alias (picked per invoke) or a miss. */
  private cachedRecord(name: string, qualifier: string): FunctionRecord | undefined {
    return namesVersion(qualifier) ? this.cache.cachedRecord(name, qualifier) : undefined;
  }

  /** The record a qualifier stands for; an alias picks its version (weighted routing) per invoke. */
  private async resolve(name: string, qualifier: string): Promise<FunctionRecord | undefined> {
    if (namesVersion(qualifier)) return this.cache.record(name, qualifier);
    const alias = await this.cache.alias(name, qualifier);
    return alias && this.cache.record(name, pickAliasVersion(alias, this.random()));
  }
}
