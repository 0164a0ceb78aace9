// The in-memory LogStore: events per function in seq order, the oldest dropped past retention.
import type { LogEvent, LogStore, StoredLogEvent } from '../ports.js';

export class MemoryLogStore implements LogStore {
  private readonly byFunction = new Map<string, StoredLogEvent[]>();
  private lastSeq = 0;

  constructor(private readonly retentionEvents: number) {}

  async append(functionName: string, events: readonly LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    const stored = this.byFunction.get(functionName) ?? [];
    for (const event of events) {
      this.lastSeq += 1;
      stored.push({
        seq: this.lastSeq,
        timestamp: event.timestamp,
        logStream: event.logStream,
        message: event.message,
        source: event.source,
        ...(event.requestId !== undefined ? { requestId: event.requestId } : {}),
      });
    }
    const excess = stored.length - this.retentionEvents;
    this.byFunction.set(functionName, excess > 0 ? stored.slice(excess) : stored);
  }

  async read(functionName: string, afterSeq: number, limit: number): Promise<StoredLogEvent[]> {
    const stored = this.byFunction.get(functionName) ?? [];
    const start = firstIndexAfter(stored, afterSeq);
    return stored.slice(start, start + Math.max(0, limit)).map((event) => ({ ...event }));
  }

  async deleteFunction(functionName: string): Promise<void> {
    this.byFunction.delete(functionName);
  }
}

/** Binary search: index of the first event whose seq is greater than `afterSeq`. */
function firstIndexAfter(events: readonly StoredLogEvent[], afterSeq: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((events[mid]?.seq ?? Infinity) > afterSeq) high = mid;
    else low = mid + 1;
  }
  return low;
}
