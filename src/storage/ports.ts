// The storage ports. Each is small; backends live in sqlite/ and memory/ and every backend passes
// the same conformance suite in conformance/. Backends are chosen only in main.ts.
import type { AliasRecord } from '../control-plane/alias-record.js';
import type { EventInvokeConfigRecord } from '../control-plane/event-invoke-config-record.js';
import type { FunctionPatch, FunctionRecord } from '../control-plane/function-record.js';
import type { LayerPolicy, LayerVersionRecord } from '../control-plane/layer-record.js';
import type { ProvisionedConcurrencyRecord } from '../control-plane/provisioned-concurrency-record.js';

/**
 * A function with everything that belongs to it: its records ($LATEST and published versions),
 * its aliases, its reserved and its provisioned concurrency. One object per backend implements
 * all five parts, so that deleting a function removes all of it in one step; services take only
 * the part they use.
 */
export interface FunctionStore
  extends FunctionRecordStore, VersionStore, AliasStore, ReservedConcurrencyStore, ProvisionedConcurrencyStore {}

export interface FunctionRecordStore {
  /** Inserts a new function version. Returns false (and changes nothing) if it already exists. */
  insert(record: FunctionRecord): Promise<boolean>;
  get(name: string, version: string): Promise<FunctionRecord | undefined>;
  /** `$LATEST` records ordered by name, starting after `afterName` (exclusive). */
  list(afterName: string | undefined, limit: number): Promise<FunctionRecord[]>;
  /**
   * Compare-and-swap: applies `patch` and sets the new revision id and timestamp only if the
   * stored revision is still `expectedRevisionId`. Returns the updated record, or undefined when
   * the function is gone or the revision moved on (exactly one of two racing updates wins).
   */
  update(
    name: string,
    version: string,
    expectedRevisionId: string,
    patch: FunctionPatch,
    next: { revisionId: string; lastModified: string },
  ): Promise<FunctionRecord | undefined>;
  /** Replaces the tags of every version of the function. Returns false when the function is gone. */
  setTags(name: string, tags: Readonly<Record<string, string>>): Promise<boolean>;
  /** Deletes every version, alias and setting of the function. Returns false when it did not exist. */
  delete(name: string): Promise<boolean>;
}

/** Published versions: numbered 1, 2, … per function, never renumbered and never reused. */
export interface VersionStore {
  /**
   * Stores `record` as the function's next version: one more than any version it ever had, even
   * deleted ones. Returns the stored record, or undefined when the function ($LATEST) is gone.
   */
  insertNextVersion(record: Omit<FunctionRecord, 'version'>): Promise<FunctionRecord | undefined>;
  /** Published versions (never `$LATEST`) numbered above `afterVersion`, in ascending order. */
  listVersions(name: string, afterVersion: number, limit: number): Promise<FunctionRecord[]>;
  /** The highest-numbered published version still stored. */
  lastVersion(name: string): Promise<FunctionRecord | undefined>;
  /** Deletes one published version and its provisioned concurrency. Returns false when it did not exist. */
  deleteVersion(name: string, version: string): Promise<boolean>;
}

export interface AliasStore {
  /** Returns false (and changes nothing) if the function already has an alias of that name. */
  insertAlias(alias: AliasRecord): Promise<boolean>;
  getAlias(functionName: string, name: string): Promise<AliasRecord | undefined>;
  /** The function's aliases ordered by name, starting after `afterName` (exclusive). */
  listAliases(functionName: string, afterName: string | undefined, limit: number): Promise<AliasRecord[]>;
  /** Compare-and-swap on the alias's revision id; false when it is gone or the revision moved on. */
  updateAlias(alias: AliasRecord, expectedRevisionId: string): Promise<boolean>;
  /** Deletes the alias and its provisioned concurrency. */
  deleteAlias(functionName: string, name: string): Promise<boolean>;
}

export type ReservationResult = 'set' | 'function-not-found' | 'over-limit' | 'below-provisioned';

/**
 * A function's committed concurrency is what the account's unreserved pool cannot use: its
 * reservation when it has one, else the sum of its provisioned concurrency (which Lambda carves
 * out of the unreserved pool, https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html).
 */
export interface ReservedConcurrencyStore {
  /**
   * Sets the function's reserved concurrency if it covers the function's provisioned concurrency
   * and every function's committed concurrency, this one's new value included, stays within
   * `maxTotal`; the checks and the write are one atomic step.
   */
  reserveConcurrency(name: string, value: number, maxTotal: number): Promise<ReservationResult>;
  /** Removes the reservation. Returns false when the function does not exist. */
  clearReservedConcurrency(name: string): Promise<boolean>;
  reservedConcurrency(name: string): Promise<number | undefined>;
  /** The sum of every function's committed concurrency (reservations, and provisioned concurrency without one). */
  totalReservedConcurrency(): Promise<number>;
}

export type ProvisionResult = 'set' | 'function-not-found' | 'over-reserved' | 'over-limit';

export interface ProvisionedConcurrencyStore {
  /**
   * Creates or replaces the configuration of (functionName, qualifier) if the function's
   * provisioned concurrency, this one included, stays within its reservation (`over-reserved`),
   * or, without one, if every function's committed concurrency stays within `maxTotal`
   * (`over-limit`). The checks and the write are one atomic step.
   */
  putProvisionedConcurrency(config: ProvisionedConcurrencyRecord, maxTotal: number): Promise<ProvisionResult>;
  getProvisionedConcurrency(functionName: string, qualifier: string): Promise<ProvisionedConcurrencyRecord | undefined>;
  /** The function's configurations ordered by qualifier, after `afterQualifier` (exclusive); all with no function name. */
  listProvisionedConcurrency(
    functionName: string | undefined,
    afterQualifier?: string,
    limit?: number,
  ): Promise<ProvisionedConcurrencyRecord[]>;
  /** Returns false when there was no such configuration. */
  deleteProvisionedConcurrency(functionName: string, qualifier: string): Promise<boolean>;
}

/** Who wrote a log line: Hearth itself (START, END, REPORT, notices) or the function's stdout/stderr. */
export type LogSource = 'platform' | 'function';

export interface LogEvent {
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** The sandbox's log stream name (Lambda: `YYYY/MM/DD/[$LATEST]<id>`). */
  readonly logStream: string;
  readonly message: string;
  /** Set by Hearth from where the line came in, never read from its text (docs/logs.md). */
  readonly source: LogSource;
  /** The invocation running when the line was written; none for init output and between invocations. */
  readonly requestId?: string;
}

export interface StoredLogEvent extends LogEvent {
  /** Strictly increasing per store; used to page and to follow. */
  readonly seq: number;
}

export interface LogStore {
  /** Appends events for one function; keeps at most the configured number per function. */
  append(functionName: string, events: readonly LogEvent[]): Promise<void>;
  /** Events with seq > afterSeq, oldest first. */
  read(functionName: string, afterSeq: number, limit: number): Promise<StoredLogEvent[]>;
  deleteFunction(functionName: string): Promise<void>;
}

/** Layer versions: numbered 1, 2, … per layer name, never renumbered and never reused. */
export interface LayerStore {
  /** Stores `record` as the layer's next version: one more than any version it ever had, even deleted ones. */
  publishLayerVersion(record: Omit<LayerVersionRecord, 'version'>): Promise<LayerVersionRecord>;
  getLayerVersion(name: string, version: number): Promise<LayerVersionRecord | undefined>;
  /** One layer's versions, newest first, numbered below `belowVersion` (undefined: from the newest). */
  listLayerVersions(name: string, belowVersion: number | undefined, limit: number): Promise<LayerVersionRecord[]>;
  /** Names of the layers that have at least one version, in order, after `afterName` (exclusive). */
  listLayerNames(afterName: string | undefined, limit: number): Promise<string[]>;
  /** Returns false when the version did not exist. */
  deleteLayerVersion(name: string, version: number): Promise<boolean>;
  /** Compare-and-swap on the policy's revision id; false when the version is gone or the revision moved on. */
  replaceLayerPolicy(name: string, version: number, expectedRevisionId: string, policy: LayerPolicy): Promise<boolean>;
}

/** An asynchronous invocation as accepted by the API (InvocationType Event). */
export interface AsyncEvent {
  /** The 202's x-amzn-RequestId; every attempt runs with it. */
  readonly requestId: string;
  readonly functionName: string;
  /** As invoked (version or alias); undefined for $LATEST. Resolved again on every attempt. */
  readonly qualifier: string | undefined;
  readonly payload: Buffer;
  readonly clientContext: string | undefined;
  /** Milliseconds since the epoch when the event was accepted. */
  readonly acceptedAt: number;
}

/** An event in the queue with its delivery state. */
export interface QueuedEvent extends AsyncEvent {
  /** Claimable from this time on (ms); while claimed, the visibility deadline. */
  readonly dueAt: number;
  /** Attempts started, including one lost to a crash: the record's approximateInvokeCount. */
  readonly attempts: number;
  /** Throttles and system errors in a row, for the backoff. */
  readonly throttles: number;
  /** JSON of the last attempt's response (for the failure record), when there was one. */
  readonly lastResponse: string | undefined;
}

/** A candidate for claiming: `rank` 1 is its function's oldest due event, 2 the next, … */
export interface DueEvent {
  readonly requestId: string;
  readonly functionName: string;
  readonly rank: number;
}

/** Where an event goes after its last attempt when its destination could not take it (B19). */
export interface UndeliverableEvent {
  readonly reason: string;
  readonly destination: string | undefined;
  /** The invocation record that could not be delivered (JSON). */
  readonly record: string;
}

/** How an event's next attempt is scheduled after a throttle, a system error or a function error. */
export interface Reschedule {
  readonly dueAt: number;
  readonly attempts: number;
  readonly throttles: number;
  readonly lastResponse: string | undefined;
}

/**
 * The durable queue of asynchronous invocations. Rows live in the store, not in memory; an event
 * is claimed with a visibility deadline and becomes due again if it is neither rescheduled nor
 * finished by then.
 */
export interface AsyncEventQueue {
  /** Resolves only once the event is durable (fsynced); rejects when it could not be stored. */
  enqueue(event: AsyncEvent): Promise<void>;
  /**
   * Up to `limit` events due at `now` (claims past their deadline included), interleaved across
   * functions: every function's oldest first, then every function's second oldest, and so on.
   */
  due(now: number, limit: number): Promise<DueEvent[]>;
  /**
   * Claims those of `requestIds` still due (or whose claim's deadline passed): hides them until
   * `visibleAt`, counts an attempt.
   */
  claim(requestIds: readonly string[], now: number, visibleAt: number): Promise<QueuedEvent[]>;
  reschedule(requestId: string, next: Reschedule): Promise<void>;
  /** Removes the event; with `undeliverable`, keeps it in the undeliverable table in the same step. */
  finish(requestId: string, undeliverable?: UndeliverableEvent): Promise<void>;
  /** Makes every claimed event due at once (a restart: nothing of the last process is running). */
  releaseClaims(now: number): Promise<number>;
}

export interface FunctionQueueDepth {
  readonly functionName: string;
  readonly depth: number;
  /** acceptedAt of the oldest event of the function. */
  readonly oldestAcceptedAt: number;
}

export interface AsyncQueueStats {
  depths(): Promise<FunctionQueueDepth[]>;
  undeliverableCount(): Promise<number>;
}

/** PutFunctionEventInvokeConfig and friends: one configuration per function and qualifier. */
export interface EventInvokeConfigStore {
  putEventInvokeConfig(config: EventInvokeConfigRecord): Promise<void>;
  getEventInvokeConfig(functionName: string, qualifier: string): Promise<EventInvokeConfigRecord | undefined>;
  /** Ordered by qualifier, after `afterQualifier` (exclusive). */
  listEventInvokeConfigs(
    functionName: string,
    afterQualifier: string | undefined,
    limit: number,
  ): Promise<EventInvokeConfigRecord[]>;
  /** Returns false when there was none. */
  deleteEventInvokeConfig(functionName: string, qualifier: string): Promise<boolean>;
  /** Removes every configuration of the function (it was deleted). */
  deleteEventInvokeConfigs(functionName: string): Promise<void>;
}

/** Everything main.ts hands to the services: one object per backend. */
export interface Storage {
  readonly functions: FunctionStore;
  readonly layers: LayerStore;
  readonly logs: LogStore;
  readonly asyncEvents: AsyncEventQueue & AsyncQueueStats;
  readonly eventInvokeConfigs: EventInvokeConfigStore;
  close(): Promise<void>;
}
