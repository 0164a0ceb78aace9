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
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(file: string, retentionEvents: number) {
    const workerData: LogStoreWorkerData = { file, retentionEvents };
    this.worker = new Worker(new URL('./log-store-worker.js', import.meta.url), { workerData });
    // Idle, it must not keep the process alive; a request in flight refs it (call()).
    this.worker.unref();
    this.worker.on('message', (reply: LogStoreReply) => this.onReply(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`The log store worker exited (code ${code})`)));
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
      if (this.failure === undefined) await this.call({ op: 'close' }).catch(() => undefined);
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private call(request: Request): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  private onReply(reply: LogStoreReply): void {
    const waiting = this.waiting.get(reply.id);
    if (waiting === undefined) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(errorOf(reply));
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
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
