// Batches log events on their way to the LogStore: the invoke path only pushes to an array; a
// flush happens every `flushIntervalMs` or once `maxBatchEvents` are waiting, and on close().
// Store failures never reach an invocation. Readers go through read(), which writes what is
// pending first.
//
// Each function's lines go through its own lane, which keeps at most one append in flight: a
// flush that finds the lane idle hands its lines to the store as they are (no work per line); a
// flush that finds it busy queues them behind, so a batch being retried is never overtaken by a
// later one. A failed append is retried with backoff or, when the store rejects the lines
// themselves, split until the bad line is found (log-retry-policy.ts). Queued lines count against
// a cap (lines and characters, all functions together); past it the oldest lines of the longest
// lane are dropped. Every drop ends in ONE counted warning per function and episode:
// `log store: dropped N lines of <fn> after <reason>`. close() gives the lanes `closeTimeoutMs`
// to empty, then drops (and counts) the rest. The policy is written down in docs/logs.md.
import type { LogEvent, LogStore, StoredLogEvent } from '../storage/ports.js';
import { LOG_RETRY_POLICY, classifyAppendError, nextRetry, type LogRetryPolicy } from './log-retry-policy.js';

/** Time as the retries see it; tests pass a fake one. */
export interface RetryClock {
  now(): number;
  /** Calls `callback` after `ms`; returns a cancel function. */
  after(ms: number, callback: () => void, keepAlive: boolean): () => void;
}

export const systemClock: RetryClock = {
  now: () => Date.now(),
  after(ms, callback, keepAlive) {
    const timer = setTimeout(callback, ms);
    if (!keepAlive) timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface LogSinkOptions {
  readonly flushIntervalMs?: number;
  readonly maxBatchEvents?: number;
  /** Mirror of every function log line (e.g. for `hearth start --verbose`). */
  readonly onLine?: (functionName: string, event: LogEvent) => void;
  /** One line per function and episode of lost lines: `log store: dropped N lines of <fn> after …`. */
  readonly onWarning?: (line: string) => void;
  readonly retry?: LogRetryPolicy;
  /** Lines (all functions together) that may wait for the store before the oldest are dropped. */
  readonly maxQueuedLines?: number;
  /** The same cap in characters of message text: a few huge lines weigh like many small ones. */
  readonly maxQueuedChars?: number;
  /** How long close() waits for the lanes to empty. */
  readonly closeTimeoutMs?: number;
  readonly clock?: RetryClock;
}

export const DEFAULT_MAX_QUEUED_LINES = 20_000;
export const DEFAULT_MAX_QUEUED_CHARS = 32 * 1024 * 1024;
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

/** Lines waiting in a lane. `alone`: a piece of a rejected batch, written by itself. */
interface Chunk {
  events: readonly LogEvent[];
  chars: number;
  readonly alone: boolean;
}

/** One function's lines between the sink and the store; exists while it holds lines. */
class Lane {
  readonly queue: Chunk[] = [];
  /** The append in flight, if any. */
  writing: readonly LogEvent[] | undefined;
  writingAlone = false;
  cancelRetry: (() => void) | undefined;
  /** Failed attempts in a row of the batch at the head, and when the first failed. */
  attempts = 0;
  failingSince = 0;
  lastError: unknown;
  dropped = 0;
  dropReason = '';
  /** Set when close() gave up on the lane: answers to its last append are ignored. */
  abandoned = false;
  /** Appends started so far; a flush waits for the one that carries its lines (or idle, or a retry's wait). */
  sent = 0;
  settled: Array<{ readonly upTo: number; readonly resolve: () => void }> = [];
}

const charsOf = (events: readonly LogEvent[]): number => events.reduce((sum, e) => sum + e.message.length, 0);

export class LogSink {
  private pending = new Map<string, LogEvent[]>();
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly lanes = new Map<string, Lane>();
  private queuedLines = 0;
  private queuedChars = 0;
  private drained: Array<() => void> = [];
  /** close() has begun: lanes waiting to retry go at once. */
  private closing = false;
  /** close() has ended: a failure drops its lines at once. */
  private closed = false;
  private readonly flushIntervalMs: number;
  private readonly maxBatchEvents: number;
  private readonly policy: LogRetryPolicy;
  private readonly maxQueuedLines: number;
  private readonly maxQueuedChars: number;
  private readonly clock: RetryClock;

  constructor(
    private readonly store: LogStore,
    private readonly options: LogSinkOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxBatchEvents = options.maxBatchEvents ?? 500;
    this.policy = options.retry ?? LOG_RETRY_POLICY;
    this.maxQueuedLines = options.maxQueuedLines ?? DEFAULT_MAX_QUEUED_LINES;
    this.maxQueuedChars = options.maxQueuedChars ?? DEFAULT_MAX_QUEUED_CHARS;
    this.clock = options.clock ?? systemClock;
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
    if (this.pendingCount >= this.maxBatchEvents) this.write();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.write(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Starts writing everything pending; resolves once every function's lines so far are stored,
   * dropped, or waiting to be retried (a failing store does not hold a reader up).
   */
  flush(): Promise<void> {
    this.write();
    const waits: Array<Promise<void>> = [];
    for (const lane of this.lanes.values()) {
      if (lane.cancelRetry !== undefined) continue;
      // Queued lines go out with the next append: the one after the append in flight.
      const upTo = lane.sent + (lane.queue.length > 0 ? 1 : 0);
      waits.push(new Promise<void>((resolve) => lane.settled.push({ upTo, resolve })));
    }
    return waits.length === 0 ? Promise.resolve() : Promise.all(waits).then(() => undefined);
  }

  /** Starts writing everything pending. */
  private write(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.pending;
    this.pending = new Map();
    this.pendingCount = 0;
    for (const [functionName, events] of batches) {
      const lane = this.lanes.get(functionName);
      if (lane === undefined) {
        const fresh = new Lane();
        this.lanes.set(functionName, fresh);
        this.send(functionName, fresh, events, false);
      } else {
        this.enqueue(lane, { events, chars: charsOf(events), alone: false }, false);
      }
    }
    this.shedOverflow();
  }

  /** Lines waiting for the store (queued behind an append or to be retried), all functions together. */
  get queued(): number {
    return this.queuedLines;
  }

  /** Stored events, after writing what is pending: a read right after an invoke sees all its lines. */
  async read(functionName: string, afterSeq: number, limit: number): Promise<StoredLogEvent[]> {
    await this.flush();
    return this.store.read(functionName, afterSeq, limit);
  }

  /** Writes what is pending; waits at most `closeTimeoutMs` for the store, then drops (and counts) the rest. */
  async close(): Promise<void> {
    this.closing = true;
    this.write();
    for (const [functionName, lane] of this.lanes) {
      if (lane.cancelRetry === undefined) continue;
      lane.cancelRetry();
      lane.cancelRetry = undefined;
      this.next(functionName, lane);
    }
    if (this.lanes.size > 0) {
      let cancel = (): void => undefined;
      await new Promise<void>((resolve) => {
        this.drained.push(resolve);
        cancel = this.clock.after(this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS, resolve, true);
      });
      cancel();
    }
    this.closed = true;
    for (const [functionName, lane] of this.lanes) {
      lane.abandoned = true;
      lane.cancelRetry?.();
      const held = lane.queue.reduce((n, chunk) => n + chunk.events.length, lane.writing?.length ?? 0);
      const error = lane.lastError === undefined ? 'no answer' : String(lane.lastError);
      this.drop(lane, held, `shutdown: the store did not take them in time (${error})`);
      this.report(functionName, lane);
      this.settle(lane, Infinity);
    }
    this.lanes.clear();
    this.queuedLines = 0;
    this.queuedChars = 0;
  }

  private send(functionName: string, lane: Lane, events: readonly LogEvent[], alone: boolean): void {
    lane.writing = events;
    lane.writingAlone = alone;
    const sent = (lane.sent += 1);
    this.store.append(functionName, events).then(
      () => this.stored(functionName, lane, sent),
      (error: unknown) => this.failed(functionName, lane, error),
    );
  }

  private stored(functionName: string, lane: Lane, sent: number): void {
    if (lane.abandoned) return;
    lane.writing = undefined;
    lane.attempts = 0;
    this.next(functionName, lane);
    this.settle(lane, sent);
  }

  private failed(functionName: string, lane: Lane, error: unknown): void {
    if (lane.abandoned) return;
    const events = lane.writing ?? [];
    const alone = lane.writingAlone;
    lane.writing = undefined;
    lane.lastError = error;
    if (classifyAppendError(error) === 'rejected') {
      // The lines themselves are refused: halve the batch until the bad line is alone, then drop it.
      if (events.length === 1) this.drop(lane, 1, `the store rejected it (${String(error)})`);
      else {
        const half = Math.ceil(events.length / 2);
        const [first, second] = [events.slice(0, half), events.slice(half)];
        this.enqueue(lane, { events: second, chars: charsOf(second), alone: true }, true);
        this.enqueue(lane, { events: first, chars: charsOf(first), alone: true }, true);
      }
      this.next(functionName, lane);
      return;
    }
    const now = this.clock.now();
    if (lane.attempts === 0) lane.failingSince = now;
    lane.attempts += 1;
    const failingForMs = now - lane.failingSince;
    const step = this.closed ? ({ retry: false } as const) : nextRetry(lane.attempts, failingForMs, this.policy);
    if (!step.retry) {
      const seconds = (failingForMs / 1000).toFixed(1);
      this.drop(lane, events.length, `${lane.attempts} failed attempts over ${seconds} s (${String(error)})`);
      this.report(functionName, lane);
      lane.attempts = 0;
      this.next(functionName, lane);
      return;
    }
    this.enqueue(lane, { events, chars: charsOf(events), alone }, true);
    this.shedOverflow();
    const delayMs = this.closing ? Math.min(step.delayMs, this.policy.baseDelayMs) : step.delayMs;
    lane.cancelRetry = this.clock.after(
      delayMs,
      () => {
        lane.cancelRetry = undefined;
        this.next(functionName, lane);
      },
      false,
    );
    this.settle(lane, Infinity);
  }

  /** Sends the lane's next lines, or retires the lane when it has none. */
  private next(functionName: string, lane: Lane): void {
    const head = lane.queue[0];
    if (head === undefined) {
      this.lanes.delete(functionName);
      this.report(functionName, lane);
      this.settle(lane, Infinity);
      if (this.lanes.size === 0) for (const resolve of this.drained.splice(0)) resolve();
      return;
    }
    // A piece of a rejected batch goes alone; queued batches go together, in order.
    let take = 1;
    if (!head.alone) while (take < lane.queue.length && lane.queue[take]?.alone === false) take += 1;
    const chunks = lane.queue.splice(0, take);
    for (const chunk of chunks) this.unqueued(chunk.events.length, chunk.chars);
    const events = take === 1 ? head.events : chunks.flatMap((chunk) => chunk.events);
    this.send(functionName, lane, events, head.alone);
  }

  private enqueue(lane: Lane, chunk: Chunk, atFront: boolean): void {
    if (atFront) lane.queue.unshift(chunk);
    else lane.queue.push(chunk);
    this.queuedLines += chunk.events.length;
    this.queuedChars += chunk.chars;
  }

  private unqueued(lines: number, chars: number): void {
    this.queuedLines -= lines;
    this.queuedChars -= chars;
  }

  /** Past the cap, drops the oldest queued lines of the lane holding the most. */
  private shedOverflow(): void {
    while (this.queuedLines > this.maxQueuedLines || this.queuedChars > this.maxQueuedChars) {
      let longest: Lane | undefined;
      let longestLines = 0;
      for (const lane of this.lanes.values()) {
        const lines = lane.queue.reduce((n, chunk) => n + chunk.events.length, 0);
        if (lines > longestLines) [longest, longestLines] = [lane, lines];
      }
      const oldest = longest?.queue[0];
      if (longest === undefined || oldest === undefined) return;
      const excess = Math.max(1, this.queuedLines - this.maxQueuedLines);
      const reason =
        longest.lastError === undefined
          ? 'the store fell behind'
          : `more lines waited than the cap allows while the store failed (${String(longest.lastError)})`;
      if (oldest.events.length <= excess || this.queuedChars > this.maxQueuedChars) {
        longest.queue.shift();
        this.unqueued(oldest.events.length, oldest.chars);
        this.drop(longest, oldest.events.length, reason);
      } else {
        const dropped = oldest.events.slice(0, excess);
        const chars = charsOf(dropped);
        oldest.events = oldest.events.slice(excess);
        oldest.chars -= chars;
        this.unqueued(excess, chars);
        this.drop(longest, excess, reason);
      }
    }
  }

  private drop(lane: Lane, lines: number, reason: string): void {
    if (lines === 0) return;
    lane.dropped += lines;
    lane.dropReason = reason;
  }

  /** The one warning of an episode of lost lines. */
  private report(functionName: string, lane: Lane): void {
    if (lane.dropped === 0) return;
    const lines = lane.dropped === 1 ? '1 line' : `${lane.dropped} lines`;
    this.options.onWarning?.(`log store: dropped ${lines} of ${functionName} after ${lane.dropReason}`);
    lane.dropped = 0;
  }

  /** Resolves the flushes waiting for appends up to `sent` (Infinity: the lane is idle or waiting to retry). */
  private settle(lane: Lane, sent: number): void {
    if (lane.settled.length === 0) return;
    const waiting = lane.settled;
    lane.settled = waiting.filter((w) => w.upTo > sent);
    for (const w of waiting) if (w.upTo <= sent) w.resolve();
  }
}
