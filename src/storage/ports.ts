// The storage ports. Each is small; backends live in sqlite/ and memory/ and every backend passes
// the same conformance suite in conformance/. Backends are chosen only in main.ts.
import type { FunctionPatch, FunctionRecord } from '../control-plane/function-record.js';

export interface FunctionStore {
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
  /** Deletes every version of the function. Returns false when it did not exist. */
  delete(name: string): Promise<boolean>;
}

export interface LogEvent {
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** The sandbox's log stream name (Lambda: `YYYY/MM/DD/[$LATEST]<id>`). */
  readonly logStream: string;
  readonly message: string;
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

/** Everything main.ts hands to the services: one object per backend. */
export interface Storage {
  readonly functions: FunctionStore;
  readonly logs: LogStore;
  close(): Promise<void>;
}
