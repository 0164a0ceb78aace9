// LogStore on SQLite, written from a worker thread (log-store-worker.ts): append, read and
// deleteFunction are messages to it, answered in order, so a read sees every append made before
// it. The invoke path's log flushes then cost the event loop one postMessage instead of the
// inserts and the commit (and, now and then, a WAL checkpoint).
import { Worker } from 'node:worker_threads';
import type { LogEvent, LogStore, StoredLogEvent } from '../ports.js';

export interface LogStoreWorkerData {
  readonly file: string;
  readonly retentionEvents: number;
}

export type LogStoreRequest =
  | { readonly id: number; readonly op: 'append'; readonly functionName: string; readonly events: readonly LogEvent[] }
  | {
      readonly id: number;
      readonly op: 'read';
      readonly functionName: string;
      readonly afterSeq: number;
      readonly limit: number;
    }
  | { readonly id: number; readonly op: 'delete'; readonly functionName: string }
  | { readonly id: number; readonly op: 'close' };

/** Requests without their id, as callers make them. */
type Request = LogStoreRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export type LogStoreReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly message: string;
      /** The error's class and SQLite code (`SQLITE_BUSY`, …): LogSink decides from them whether to retry. */
      readonly name: string;
      readonly code?: string;
    };

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class WorkerLogStore implements LogStore {
  /** The thread answering now; started again by the next request after it died. */
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    private readonly retentionEvents: number,
  ) {
    this.worker = this.start();
  }

  async append(functionName: string, events: readonly LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.call({ op: 'append', functionName, events });
  }

  async read(functionName: string, afterSeq: number, limit: number): Promise<StoredLogEvent[]> {
    return (await this.call({ op: 'read', functionName, afterSeq, limit })) as StoredLogEvent[];
  }

  async deleteFunction(functionName: string): Promise<void> {
    await this.call({ op: 'delete', functionName });
  }

  /** Waits for what was asked before, closes the connection and ends the thread. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      if (worker === undefined) return;
      await this.post(worker, { op: 'close' }).catch(() => undefined);
      await worker.terminate();
    })();
    return this.closing;
  }

  private start(): Worker {
    const workerData: LogStoreWorkerData = { file: this.file, retentionEvents: this.retentionEvents };
    const worker = new Worker(new URL('./log-store-worker.js', import.meta.url), { workerData });
    // Idle, it must not keep the process alive; a request in flight refs it (post()).
    worker.unref();
    let failure: Error | undefined;
    worker.on('message', (reply: LogStoreReply) => this.onReply(worker, reply));
    worker.on('error', (error) => {
      failure ??= error;
    });
    worker.on('exit', (code) => this.lost(worker, failure ?? new Error(`The log store worker exited (code ${code})`)));
    return worker;
  }

  private call(request: Request): Promise<unknown> {
    if (this.closing !== undefined) return Promise.reject(new Error('The log store is closed'));
    // A thread that died (a crash, an out-of-memory kill) is replaced: the caller retries (LogSink).
    this.worker ??= this.start();
    return this.post(this.worker, request);
  }

  private post(worker: Worker, request: Request): Promise<unknown> {
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { resolve, reject });
      try {
        worker.postMessage({ ...request, id });
      } catch (error) {
        // A value that cannot be cloned (DataCloneError): refused, the thread is fine.
        this.settled(worker, id);
        throw error;
      }
    });
  }

  private onReply(worker: Worker, reply: LogStoreReply): void {
    const waiting = this.waiting.get(reply.id);
    if (waiting === undefined) return;
    this.settled(worker, reply.id);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(errorOf(reply));
  }

  private settled(worker: Worker, id: number): void {
    this.waiting.delete(id);
    if (this.waiting.size === 0) worker.unref();
  }

  /** The thread ended: what it had not answered fails (the caller may retry on the next thread). */
  private lost(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const { reject } of waiting) reject(error);
  }
}

/** The worker's error as the caller's: same message, class name and SQLite code. */
function errorOf(reply: Extract<LogStoreReply, { ok: false }>): Error {
  const error: Error & { code?: string } = new Error(reply.message);
  error.name = reply.name;
  if (reply.code !== undefined) error.code = reply.code;
  return error;
}
