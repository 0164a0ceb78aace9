// The async event queue on SQLite. Accepting an event is a group commit: every enqueue arriving in
// the same turn of the event loop is inserted in one transaction on a synchronous = FULL
// connection, so each waits for one fsync and none resolves before its row is on disk (B4).
// Finishes are grouped the same way (one transaction for all those of a turn), without the fsync.
// Claims, reschedules and finishes go through a synchronous = NORMAL connection: a process crash
// loses none of them (WAL in the OS cache), a power cut may undo the last few, which at worst runs
// an event once more (at-least-once, as on Lambda).
import type { Database, Statement } from 'better-sqlite3';
import type {
  AsyncEvent,
  AsyncEventQueue,
  AsyncQueueStats,
  DueEvent,
  FunctionQueueDepth,
  QueuedEvent,
  Reschedule,
  UndeliverableEvent,
} from '../ports.js';

interface EventRow {
  readonly request_id: string;
  readonly function_name: string;
  readonly qualifier: string | null;
  readonly payload: Buffer;
  readonly client_context: string | null;
  readonly accepted_at: number;
  readonly due_at: number;
  readonly attempts: number;
  readonly throttles: number;
  readonly last_response: string | null;
}

interface Pending {
  readonly event: AsyncEvent;
  resolve(): void;
  reject(error: unknown): void;
}

interface Finishing {
  readonly requestId: string;
  readonly undeliverable: UndeliverableEvent | undefined;
  resolve(): void;
  reject(error: unknown): void;
}

const COLUMNS =
  'request_id, function_name, qualifier, payload, client_context, accepted_at, due_at, attempts, throttles, last_response';

export class SqliteAsyncQueue implements AsyncEventQueue, AsyncQueueStats {
  private pending: Pending[] = [];
  private finishing: Finishing[] = [];
  private readonly insert: Statement;
  private readonly functionNames: Statement<[], { name: string }>;
  private readonly dueOf: Statement<[string, number, number], { request_id: string; due_at: number; seq: number }>;
  private readonly claimOne: Statement<[number, string, number], EventRow>;
  private readonly update: Statement<[number, number, number, string | null, string]>;
  private readonly remove: Statement<[string]>;
  private readonly keep: Statement<[string, string | null, string, number, string]>;
  private readonly release: Statement<[number]>;
  private readonly depthRows: Statement<[], { function_name: string; depth: number; oldest: number }>;
  private readonly undeliverable: Statement<[], { n: number }>;

  /** `durable`: a synchronous = FULL connection; `fast`: a synchronous = NORMAL one to the same file. */
  constructor(
    private readonly durable: Database,
    private readonly fast: Database,
  ) {
    this.insert = durable.prepare(
      `INSERT INTO async_events (request_id, function_name, qualifier, payload, client_context, accepted_at, due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // The functions with queued events, by skipping through the index (one seek per function).
    this.functionNames = fast.prepare(
      `WITH RECURSIVE fns(name) AS (
         SELECT min(function_name) FROM async_events
         UNION ALL
         SELECT (SELECT min(function_name) FROM async_events WHERE function_name > fns.name)
         FROM fns WHERE fns.name IS NOT NULL
       ) SELECT name FROM fns WHERE name IS NOT NULL`,
    );
    this.dueOf = fast.prepare(
      `SELECT request_id, due_at, seq FROM async_events
       WHERE function_name = ? AND due_at <= ? ORDER BY due_at, seq LIMIT ?`,
    );
    this.claimOne = fast.prepare(
      `UPDATE async_events SET claimed = 1, due_at = ?, attempts = attempts + 1
       WHERE request_id = ? AND due_at <= ? RETURNING ${COLUMNS}`,
    );
    this.update = fast.prepare(
      `UPDATE async_events SET claimed = 0, due_at = ?, attempts = ?, throttles = ?, last_response = ?
       WHERE request_id = ?`,
    );
    this.remove = fast.prepare('DELETE FROM async_events WHERE request_id = ?');
    this.keep = fast.prepare(
      `INSERT INTO async_undeliverable (request_id, function_name, reason, destination, record, failed_at)
       SELECT request_id, function_name, ?, ?, ?, ? FROM async_events WHERE request_id = ?`,
    );
    this.release = fast.prepare('UPDATE async_events SET claimed = 0, due_at = min(due_at, ?) WHERE claimed = 1');
    this.depthRows = fast.prepare(
      `SELECT function_name, count(*) AS depth, min(accepted_at) AS oldest FROM async_events GROUP BY function_name`,
    );
    this.undeliverable = fast.prepare('SELECT count(*) AS n FROM async_undeliverable');
  }

  enqueue(event: AsyncEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  async due(now: number, limit: number): Promise<DueEvent[]> {
    if (limit <= 0) return [];
    const ranked: (DueEvent & { dueAt: number; seq: number })[] = [];
    for (const { name } of this.functionNames.all()) {
      this.dueOf
        .all(name, now, limit)
        .forEach((row, i) =>
          ranked.push({ requestId: row.request_id, functionName: name, rank: i + 1, dueAt: row.due_at, seq: row.seq }),
        );
    }
    ranked.sort((a, b) => a.rank - b.rank || a.dueAt - b.dueAt || a.seq - b.seq);
    return ranked.slice(0, limit).map(({ requestId, functionName, rank }) => ({ requestId, functionName, rank }));
  }

  async claim(requestIds: readonly string[], now: number, visibleAt: number): Promise<QueuedEvent[]> {
    const claimed: QueuedEvent[] = [];
    this.fast.transaction(() => {
      for (const id of requestIds) {
        const row = this.claimOne.get(visibleAt, id, now);
        if (row !== undefined) claimed.push(toEvent(row));
      }
    })();
    return claimed;
  }

  async reschedule(requestId: string, next: Reschedule): Promise<void> {
    this.update.run(next.dueAt, next.attempts, next.throttles, next.lastResponse ?? null, requestId);
  }

  finish(requestId: string, undeliverable?: UndeliverableEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.finishing.push({ requestId, undeliverable, resolve, reject });
      if (this.finishing.length === 1) setImmediate(() => this.commitFinishes());
    });
  }

  async releaseClaims(now: number): Promise<number> {
    return this.release.run(now).changes;
  }

  async depths(): Promise<FunctionQueueDepth[]> {
    return this.depthRows
      .all()
      .map((row) => ({ functionName: row.function_name, depth: row.depth, oldestAcceptedAt: row.oldest }));
  }

  async undeliverableCount(): Promise<number> {
    return this.undeliverable.get()?.n ?? 0;
  }

  /** Commits the events still waiting for their group commit (before the database closes). */
  flushPending(): void {
    if (this.pending.length > 0) this.flush();
    if (this.finishing.length > 0) this.commitFinishes();
  }

  /** Deletes every finished event of the turn (keeping the undeliverable ones) in one transaction. */
  private commitFinishes(): void {
    if (this.finishing.length === 0) return;
    const batch = this.finishing;
    this.finishing = [];
    try {
      this.fast.transaction(() => {
        for (const { requestId, undeliverable } of batch) {
          if (undeliverable !== undefined) {
            const { reason, destination, record } = undeliverable;
            this.keep.run(reason, destination ?? null, record, Date.now(), requestId);
          }
          this.remove.run(requestId);
        }
      })();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) item.resolve();
  }

  /** Inserts every pending event in one transaction (one fsync), then settles their promises. */
  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.durable.transaction(() => {
        for (const { event } of batch) {
          this.insert.run(
            event.requestId,
            event.functionName,
            event.qualifier ?? null,
            event.payload,
            event.clientContext ?? null,
            event.acceptedAt,
            event.acceptedAt,
          );
        }
      })();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) item.resolve();
  }
}

function toEvent(row: EventRow): QueuedEvent {
  return {
    requestId: row.request_id,
    functionName: row.function_name,
    qualifier: row.qualifier ?? undefined,
    payload: row.payload,
    clientContext: row.client_context ?? undefined,
    acceptedAt: row.accepted_at,
    dueAt: row.due_at,
    attempts: row.attempts,
    throttles: row.throttles,
    lastResponse: row.last_response ?? undefined,
  };
}
