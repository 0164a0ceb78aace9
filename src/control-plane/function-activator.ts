// The asynchronous step after a create or update, as on Lambda: the API answers with State
// `Pending` / LastUpdateStatus `InProgress`, then this step checks that the runtime can really be
// launched on this host and moves the function to `Active` + `Successful`, or to `Failed` with a
// reason (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html). That is what
// `aws lambda wait function-active-v2` / `function-updated-v2` poll for.
import { randomUUID } from 'node:crypto';
import type { FunctionStore } from '../storage/ports.js';
import type { FunctionPatch, FunctionRecord } from './function-record.js';

/** Resolves to undefined when `runtime` can be launched here, or to the reason it cannot. */
export type RuntimeCheck = (runtime: string) => Promise<string | undefined>;

export interface FunctionActivatorDeps {
  readonly store: FunctionStore;
  readonly checkRuntime: RuntimeCheck;
  /** Puts in place what sandboxes of this record will need (its merged layers); throws when it cannot. */
  readonly prepare?: (record: FunctionRecord) => Promise<void>;
  /** Called with the record as the activation left it (Active or Failed). */
  readonly onActivated?: (record: FunctionRecord) => void;
  /** Told about failures of the store itself (the function then stays InProgress until resumed). */
  readonly onError?: (error: unknown, record: FunctionRecord) => void;
  readonly newRevisionId?: () => string;
}

/** The patch an activation applies, given the runtime check's answer. Pure. */
export function activationPatch(failureReason: string | undefined): FunctionPatch {
  if (failureReason === undefined) {
    return {
      state: 'Active',
      stateReason: undefined,
      stateReasonCode: undefined,
      lastUpdateStatus: 'Successful',
      lastUpdateStatusReason: undefined,
      lastUpdateStatusReasonCode: undefined,
    };
  }
  return {
    state: 'Failed',
    stateReason: failureReason,
    stateReasonCode: 'InvalidRuntime',
    lastUpdateStatus: 'Failed',
    lastUpdateStatusReason: failureReason,
    lastUpdateStatusReasonCode: 'InvalidRuntime',
  };
}

export class FunctionActivator {
  private readonly running = new Set<Promise<void>>();
  private readonly newRevisionId: () => string;

  constructor(private readonly deps: FunctionActivatorDeps) {
    this.newRevisionId = deps.newRevisionId ?? randomUUID;
  }

  /** Starts activating `record` (the revision just written) in the background. Never rejects. */
  schedule(record: FunctionRecord): void {
    const run = this.activate(record).catch((error: unknown) => this.deps.onError?.(error, record));
    const tracked = run.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Resolves once every activation scheduled so far (and any they lead to) has finished. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /**
   * Schedules every function left `InProgress` (e.g. by a stop between the API's answer and the
   * activation). Call once at start-up.
   */
  async resumePending(pageSize = 500): Promise<number> {
    let after: string | undefined;
    let resumed = 0;
    for (;;) {
      const page = await this.deps.store.list(after, pageSize);
      for (const record of page) {
        if (record.lastUpdateStatus === 'InProgress') {
          this.schedule(record);
          resumed += 1;
        }
      }
      if (page.length < pageSize) return resumed;
      after = page[page.length - 1]?.name;
    }
  }

  private async activate(record: FunctionRecord): Promise<void> {
    let reason: string | undefined;
    try {
      reason = await this.deps.checkRuntime(record.runtime);
    } catch (error) {
      reason = `The runtime ${record.runtime} could not be checked: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (reason === undefined && this.deps.prepare !== undefined) {
      try {
        await this.deps.prepare(record);
      } catch (error) {
        reason = `The function's layers could not be unpacked: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    // A compare-and-swap on the revision we were given: if the function was deleted or changed
    // again meanwhile, this activation is stale and the newer write has its own.
    const activated = await this.deps.store.update(
      record.name,
      record.version,
      record.revisionId,
      activationPatch(reason),
      {
        revisionId: this.newRevisionId(),
        lastModified: record.lastModified,
      },
    );
    if (activated) this.deps.onActivated?.(activated);
  }
}
