// Test doubles for LogSink: a clock whose time moves only when a test says so, and a store that
// fails (or holds) appends on demand and records what it stored.
import type { LogEvent, LogStore, StoredLogEvent } from '../storage/ports.js';
import type { RetryClock } from './log-sink.js';

interface Timer {
  readonly at: number;
  readonly callback: () => void;
  live: boolean;
}

export class FakeClock implements RetryClock {
  private time = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  after(ms: number, callback: () => void): () => void {
    const timer: Timer = { at: this.time + ms, callback, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  /** Timers that have not fired or been cancelled. */
  get waiting(): number {
    return this.timers.filter((t) => t.live).length;
  }

  /** Moves time on by `ms`, firing each timer due on the way, earliest first. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      due.live = false;
      this.time = due.at;
      due.callback();
    }
    this.timers = this.timers.filter((t) => t.live);
    this.time = end;
  }
}

export const busy = (): Error =>
  Object.assign(new Error('database is locked'), { name: 'SqliteError', code: 'SQLITE_BUSY' });

/** Stores what `decide` lets through; `decide` returns an error to fail that append, or 'hold' to never answer. */
export class ScriptedStore implements LogStore {
  readonly stored = new Map<string, string[]>();
  /** Every append asked for, as function name and messages. */
  readonly calls: Array<[string, string[]]> = [];
  inFlight = 0;

  constructor(private readonly decide: (call: number, events: readonly LogEvent[]) => Error | 'ok' | 'hold') {}

  append(functionName: string, events: readonly LogEvent[]): Promise<void> {
    this.calls.push([functionName, events.map((e) => e.message)]);
    const verdict = this.decide(this.calls.length, events);
    if (verdict === 'hold') return new Promise(() => undefined);
    this.inFlight += 1;
    return Promise.resolve().then(() => {
      this.inFlight -= 1;
      if (verdict !== 'ok') throw verdict;
      const lines = this.stored.get(functionName) ?? [];
      lines.push(...events.map((e) => e.message));
      this.stored.set(functionName, lines);
    });
  }

  async read(functionName: string): Promise<StoredLogEvent[]> {
    return (this.stored.get(functionName) ?? []).map((message, i) => ({
      seq: i + 1,
      timestamp: 1,
      logStream: 's',
      message,
      source: 'function',
    }));
  }

  async deleteFunction(): Promise<void> {}
}
