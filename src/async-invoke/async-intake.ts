// Where the front end puts an Event invocation: the durable queue first (the promise resolves
// only once the row is fsynced, so the 202 follows the commit), then the count and a nudge to
// the pollers so the event starts without waiting for the next poll.
import type { AsyncEvent, AsyncEventQueue } from '../storage/ports.js';
import type { AsyncMetrics } from './async-metrics.js';

export class AsyncIntake {
  constructor(
    private readonly queue: Pick<AsyncEventQueue, 'enqueue'>,
    private readonly metrics: Pick<AsyncMetrics, 'accepted'>,
    private readonly wake: () => void,
  ) {}

  async accept(event: AsyncEvent): Promise<void> {
    await this.queue.enqueue(event);
    this.metrics.accepted(event.functionName);
    this.wake();
  }
}
