// The async event queue in memory: for unit tests and the conformance suite. Not durable.
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

interface Row extends QueuedEvent {
  readonly seq: number;
  readonly claimed: boolean;
}

export class MemoryAsyncQueue implements AsyncEventQueue, AsyncQueueStats {
  private readonly rows = new Map<string, Row>();
  private readonly kept: (UndeliverableEvent & { requestId: string })[] = [];
  private seq = 0;

  async enqueue(event: AsyncEvent): Promise<void> {
    if (this.rows.has(event.requestId)) throw new Error(`duplicate request id ${event.requestId}`);
    this.seq += 1;
    this.rows.set(event.requestId, {
      ...event,
      seq: this.seq,
      dueAt: event.acceptedAt,
      attempts: 0,
      throttles: 0,
      lastResponse: undefined,
      claimed: false,
    });
  }

  async due(now: number, limit: number): Promise<DueEvent[]> {
    const byFunction = new Map<string, Row[]>();
    for (const row of this.rows.values()) {
      if (row.dueAt > now) continue;
      const list = byFunction.get(row.functionName) ?? [];
      list.push(row);
      byFunction.set(row.functionName, list);
    }
    const ranked: (Row & { rank: number })[] = [];
    for (const list of byFunction.values()) {
      list.sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
      list.forEach((row, i) => ranked.push({ ...row, rank: i + 1 }));
    }
    ranked.sort((a, b) => a.rank - b.rank || a.dueAt - b.dueAt || a.seq - b.seq);
    return ranked
      .slice(0, Math.max(0, limit))
      .map(({ requestId, functionName, rank }) => ({ requestId, functionName, rank }));
  }

  async claim(requestIds: readonly string[], now: number, visibleAt: number): Promise<QueuedEvent[]> {
    const claimed: QueuedEvent[] = [];
    for (const id of requestIds) {
      const row = this.rows.get(id);
      if (row === undefined || row.dueAt > now) continue;
      const next = { ...row, claimed: true, dueAt: visibleAt, attempts: row.attempts + 1 };
      this.rows.set(id, next);
      const { seq: _seq, claimed: _claimed, ...event } = next;
      claimed.push(event);
    }
    return claimed;
  }

  async reschedule(requestId: string, next: Reschedule): Promise<void> {
    const row = this.rows.get(requestId);
    if (row !== undefined) this.rows.set(requestId, { ...row, ...next, claimed: false });
  }

  async finish(requestId: string, undeliverable?: UndeliverableEvent): Promise<void> {
    if (undeliverable !== undefined && this.rows.has(requestId)) this.kept.push({ ...undeliverable, requestId });
    this.rows.delete(requestId);
  }

  async releaseClaims(now: number): Promise<number> {
    let released = 0;
    for (const [id, row] of this.rows) {
      if (!row.claimed) continue;
      this.rows.set(id, { ...row, claimed: false, dueAt: Math.min(row.dueAt, now) });
      released += 1;
    }
    return released;
  }

  async depths(): Promise<FunctionQueueDepth[]> {
    const depths = new Map<string, FunctionQueueDepth>();
    for (const row of this.rows.values()) {
      const seen = depths.get(row.functionName);
      depths.set(row.functionName, {
        functionName: row.functionName,
        depth: (seen?.depth ?? 0) + 1,
        oldestAcceptedAt: Math.min(seen?.oldestAcceptedAt ?? Infinity, row.acceptedAt),
      });
    }
    return [...depths.values()];
  }

  async undeliverableCount(): Promise<number> {
    return this.kept.length;
  }
}
