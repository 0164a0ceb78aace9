// LogStore on SQLite. A batch is inserted in one transaction that takes the write lock first
// (IMMEDIATE, see append()); retention is kept exact but cheap: the store remembers how many
// events each function has, so trimming deletes only the few oldest rows below one seq threshold
// (an index seek) instead of counting on every append.
// The counts assume this process is the only writer of the log table, as in the embedded mode.
// Rows go in ROWS_PER_INSERT at a time (one multi-row INSERT): a third cheaper per row than one
// statement each, and a warm invoke writes at least three rows (START, END, REPORT).
import type { Database, Statement, Transaction } from 'better-sqlite3';
import type { LogEvent, LogSource, LogStore, StoredLogEvent } from '../ports.js';

const ROWS_PER_INSERT = 16;

interface LogRow {
  readonly seq: number;
  readonly timestamp: number;
  readonly log_stream: string;
  readonly message: string;
  readonly source: LogSource;
  readonly request_id: string | null;
}

const COLUMNS = '(function_name, timestamp, log_stream, message, source, request_id)';
const ROW = '(?, ?, ?, ?, ?, ?)';

export class SqliteLogStore implements LogStore {
  private readonly counts = new Map<string, number>();
  private readonly insertEvent: Statement<[string, number, string, string, LogSource, string | null]>;
  private readonly insertEvents: Statement<unknown[]>;
  private readonly rowArgs: unknown[] = [];
  private readonly countEvents: Statement<[string], { n: number }>;
  private readonly seqAtOffset: Statement<[string, number], { seq: number }>;
  private readonly deleteBelow: Statement<[string, number]>;
  private readonly selectAfter: Statement<[string, number, number], LogRow>;
  private readonly deleteAll: Statement<[string]>;
  private readonly appendBatch: Transaction<(functionName: string, events: readonly LogEvent[]) => void>;

  constructor(
    db: Database,
    private readonly retentionEvents: number,
  ) {
    this.insertEvent = db.prepare(`INSERT INTO log_events ${COLUMNS} VALUES ${ROW}`);
    this.insertEvents = db.prepare(
      `INSERT INTO log_events ${COLUMNS} VALUES ${Array.from({ length: ROWS_PER_INSERT }, () => ROW).join(', ')}`,
    );
    this.countEvents = db.prepare('SELECT count(*) AS n FROM log_events WHERE function_name = ?');
    this.seqAtOffset = db.prepare('SELECT seq FROM log_events WHERE function_name = ? ORDER BY seq LIMIT 1 OFFSET ?');
    this.deleteBelow = db.prepare('DELETE FROM log_events WHERE function_name = ? AND seq < ?');
    this.selectAfter = db.prepare(
      'SELECT seq, timestamp, log_stream, message, source, request_id FROM log_events WHERE function_name = ? AND seq > ? ORDER BY seq LIMIT ?',
    );
    this.deleteAll = db.prepare('DELETE FROM log_events WHERE function_name = ?');
    this.appendBatch = db.transaction((functionName: string, events: readonly LogEvent[]) => {
      const before = this.countFor(functionName);
      let i = 0;
      const args = this.rowArgs;
      for (; i + ROWS_PER_INSERT <= events.length; i += ROWS_PER_INSERT) {
        args.length = 0;
        for (let j = i; j < i + ROWS_PER_INSERT; j++) {
          const event = events[j] as LogEvent;
          args.push(...rowOf(functionName, event));
        }
        this.insertEvents.run(args);
      }
      for (; i < events.length; i++) {
        const event = events[i] as LogEvent;
        this.insertEvent.run(...rowOf(functionName, event));
      }
      const count = before + events.length;
      this.counts.set(functionName, this.trim(functionName, count));
    });
  }

  async append(functionName: string, events: readonly LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      // BEGIN IMMEDIATE: the batch may first read the function's row count, and SQLite refuses a
      // deferred transaction's upgrade from that read to a write at once, without the busy
      // timeout, when another connection to the file (the async queue's, on the main thread) holds
      // the write lock or has committed since the read. Taking the write lock first waits instead.
      this.appendBatch.immediate(functionName, events);
    } catch (error) {
      this.counts.delete(functionName); // the transaction rolled back: recount next time
      throw error;
    }
  }

  async read(functionName: string, afterSeq: number, limit: number): Promise<StoredLogEvent[]> {
    return this.selectAfter.all(functionName, afterSeq, Math.max(0, limit)).map((row) => ({
      seq: row.seq,
      timestamp: row.timestamp,
      logStream: row.log_stream,
      message: row.message,
      source: row.source,
      ...(row.request_id !== null ? { requestId: row.request_id } : {}),
    }));
  }

  async deleteFunction(functionName: string): Promise<void> {
    this.deleteAll.run(functionName);
    this.counts.delete(functionName);
  }

  private countFor(functionName: string): number {
    const known = this.counts.get(functionName);
    if (known !== undefined) return known;
    return this.countEvents.get(functionName)?.n ?? 0;
  }

  /** Deletes the oldest events beyond retention; returns how many remain. */
  private trim(functionName: string, count: number): number {
    const excess = count - this.retentionEvents;
    if (excess <= 0) return count;
    const firstKept = this.seqAtOffset.get(functionName, excess);
    if (!firstKept) return count; // cannot happen while the count is right
    this.deleteBelow.run(functionName, firstKept.seq);
    return this.retentionEvents;
  }
}

/** The values of one log_events row, in the order of the INSERT's columns. */
function rowOf(functionName: string, event: LogEvent): [string, number, string, string, LogSource, string | null] {
  return [functionName, event.timestamp, event.logStream, event.message, event.source, event.requestId ?? null];
}
