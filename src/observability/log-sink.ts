// Batches log events on their way to the LogStore: the invoke path only pushes to an array; a
// flush happens every `flushIntervalMs` or once `maxBatchEvents` are waiting, and on close().
// Store failures are reported through `onError` and never reach an invocation. Readers go through
// read(), which writes what is pending first.
import type { LogEvent, LogStore, StoredLogEvent } from '../storage/ports.js';

export interface LogSinkOptions {
  readonly flushIntervalMs?: number;
  readonly maxBatchEvents?: number;
  /** Mirror of every function log line (e.g. for `hearth start --verbose`). */
  readonly onLine?: (functionName: string, event: LogEvent) => void;
  readonly onError?: (error: unknown) => void;
}

export class LogSink {
  private pending = new Map<string, LogEvent[]>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private readonly flushIntervalMs: number;
  private readonly maxBatchEvents: number;

  constructor(
    private readonly store: LogStore,
    private readonly options: LogSinkOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxBatchEvents = options.maxBatchEvents ?? 500;
  }

  record(functionName: string, event: LogEvent): void {
    let batch = this.pending.get(functionName);
    if (batch === undefined) {
      batch = [];
      this.pending.set(functionName, batch);
    }
    batch.push(event);
    this.pendingCount += 1;
    this.options.onLine?.(functionName, event);
    if (this.pendingCount >= this.maxBatchEvents) void this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Starts writing everything pending; resolves when it (and earlier flushes) are stored. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    for (const [functionName, events] of batches) {
      const write = this.store
        .append(functionName, events)
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => this.inFlight.delete(write));
      this.inFlight.add(write);
    }
    return Promise.all([...this.inFlight]).then(() => undefined);
  }

  /** Stored events, after writing what is pending: a read right after an invoke sees all its lines. */
  async read(functionName: string, afterSeq: number, limit: number): Promise<StoredLogEvent[]> {
    await this.flush();
    return this.store.read(functionName, afterSeq, limit);
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
