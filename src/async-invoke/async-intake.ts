// Where the front end puts an Event invocation: the durable queue first (the promise resolves
// only once the row is fsynced, so the 202 follows the commit), then the count, and word to the
// pollers: the event can start without waiting for the next poll, and intake is busy (while events
// keep arriving the pollers step back for a while: intake-priority.ts).
import type { AsyncEvent, AsyncEventQueue } from '../storage/ports.js';
import type { AsyncMetrics } from './async-metrics.js';

export class AsyncIntake {
  constructor(
    private readonly queue: Pick<AsyncEventQueue, 'enqueue'>,
    private readonly metrics: Pick<AsyncMetrics, 'accepted'>,
    private readonly accepted: () => void,
  ) {}

  async accept(event: AsyncEvent): Promise<void> {
    await this.queue.enqueue(event);
    this.metrics.accepted(event.functionName);
    this.accepted();
  }
}
