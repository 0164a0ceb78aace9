// The async pollers: claim due events fairly across functions (fair-pick.ts), run each through
// the front end exactly as a synchronous invoke (same admission, same concurrency, same request
// id on every attempt), then let the retry policy (retry-policy.ts) decide: done, again later,
// or failed, and hand the invocation record to a destination (destinations.ts).
// A claim hides the event until a visibility deadline; a restart releases every claim of the
// process before it (B5), so an event that was running when Hearth died runs again.
import { LATEST } from '../control-plane/function-record.js';
import {
  DEFAULT_MAXIMUM_EVENT_AGE_SECONDS,
  DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
  type EventInvokeConfigRecord,
} from '../control-plane/event-invoke-config-record.js';
import type { InvokeOutcome, Invoker } from '../frontend/invocation.js';
import type { AsyncEventQueue, EventInvokeConfigStore, QueuedEvent } from '../storage/ports.js';
import type { AsyncMetrics } from './async-metrics.js';
import type { Destinations } from './destinations.js';
import { pickFair } from './fair-pick.js';
import {
  afterAccept,
  DEFAULT_INTAKE_PRIORITY,
  runLimit,
  type IntakeBurst,
  type IntakePriority,
} from './intake-priority.js';
import { parseAttemptResponse, type AttemptResponse } from './invocation-record.js';
import {
  decideAfterAttempt,
  isExpired,
  type AttemptResult,
  type FailureCondition,
  type RetryDelays,
  type RetryPolicy,
} from './retry-policy.js';

/** A claim outlives the longest function timeout (900 s) with a minute to spare. */
export const DEFAULT_VISIBILITY_MS = 960_000;
const IDLE_POLL_MS = 100;

export interface AsyncPollerDeps {
  readonly queue: AsyncEventQueue;
  readonly invoker: Invoker;
  readonly configs: Pick<EventInvokeConfigStore, 'getEventInvokeConfig'>;
  /** The function's reserved concurrency: a throttle with 0 is ZeroReservedConcurrency. */
  reservedConcurrency(functionName: string): Promise<number | undefined>;
  readonly destinations: Destinations;
  readonly metrics: AsyncMetrics;
  readonly delays: RetryDelays;
  /** Events running at once across all functions. */
  readonly slots: number;
  readonly visibilityMs?: number;
  /** How far the pollers step back while events are being accepted (intake-priority.ts). */
  readonly intakePriority?: IntakePriority;
  readonly now?: () => number;
  readonly onError?: (error: unknown) => void;
}

export class AsyncPoller {
  private readonly inFlight = new Map<string, number>();
  private readonly lastServed = new Map<string, number>();
  private launches = 0;
  private readonly running = new Set<Promise<void>>();
  private total = 0;
  private stopped = true;
  private pumping = false;
  private again = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private burst: IntakeBurst | undefined;
  /** Bumped whenever the queue may have gained due events (accepted, rescheduled, time passed). */
  private news = 1;
  /** `news` when the queue was last seen with nothing due left unclaimed. */
  private seen = 0;
  private recheck: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly priority: IntakePriority;

  constructor(private readonly deps: AsyncPollerDeps) {
    this.now = deps.now ?? Date.now;
    this.priority = deps.intakePriority ?? DEFAULT_INTAKE_PRIORITY;
  }

  /** Releases the claims of the process before this one, then starts claiming. */
  async start(): Promise<void> {
    await this.deps.queue.releaseClaims(this.now());
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), IDLE_POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /** The intake committed an event: note the burst, and look for work. */
  accepted(): void {
    this.burst = afterAccept(this.burst, this.now(), this.priority);
    this.wake();
  }

  /** A new event may be due: look for work now rather than at the next poll. */
  wake(): void {
    this.news += 1;
    this.look();
  }

  /** Runs the pump soon (once per turn of the event loop). */
  private look(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  /** Stops claiming and waits (at most `graceMs`) for the running events; the rest stay queued. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.recheck !== undefined) clearTimeout(this.recheck);
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (;;) {
          const now = this.now();
          const limit = runLimit(this.burst, now, this.deps.slots, this.priority);
          if (limit.recheckAt !== undefined) this.recheckAt(limit.recheckAt - now);
          // Nothing due was left after the last look, and nothing came since: no query needed.
          if (this.stopped || this.total >= limit.slots || this.seen === this.news) break;
          const news = this.news;
          const free = limit.slots - this.total;
          const candidates = await this.deps.queue.due(now, free * 2);
          if (candidates.length === 0) {
            this.seen = news;
            break;
          }
          const picked = pickFair(candidates, this.inFlight, free, this.lastServed);
          const claimed = await this.deps.queue.claim(
            picked.map((event) => event.requestId),
            now,
            now + (this.deps.visibilityMs ?? DEFAULT_VISIBILITY_MS),
          );
          if (claimed.length === 0) break;
          for (const event of claimed) this.launch(event);
          // Every due event was returned (fewer than asked) and claimed: none left to look for.
          if (candidates.length < free * 2 && claimed.length === candidates.length) this.seen = news;
        }
      } while (this.again && !this.stopped);
    } catch (error) {
      this.deps.onError?.(error);
    } finally {
      this.pumping = false;
    }
  }

  /** While intake holds the pollers back, look again when that may end. */
  private recheckAt(delayMs: number): void {
    if (this.recheck !== undefined) return;
    this.recheck = setTimeout(() => {
      this.recheck = undefined;
      this.look();
    }, delayMs);
    this.recheck.unref();
  }

  private launch(event: QueuedEvent): void {
    const name = event.functionName;
    this.total += 1;
    this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
    this.launches += 1;
    this.lastServed.set(name, this.launches);
    const run: Promise<void> = this.process(event)
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        this.total -= 1;
        const left = (this.inFlight.get(name) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(name);
        else this.inFlight.set(name, left);
        this.running.delete(run);
        this.look();
      });
    this.running.add(run);
  }

  /** One attempt of one claimed event, and what follows from it. */
  private async process(event: QueuedEvent): Promise<void> {
    const { queue, metrics } = this.deps;
    const config = await this.deps.configs.getEventInvokeConfig(event.functionName, event.qualifier ?? LATEST);
    const policy = policyOf(config);
    if (isExpired(event, this.now(), policy)) {
      const response = parseAttemptResponse(event.lastResponse);
      return this.fail(event, config, 'EventAgeExceeded', event.attempts - 1, response);
    }
    const outcome = await this.deps.invoker.invoke({
      functionName: event.functionName,
      qualifier: event.qualifier,
      payload: event.payload,
      invocationType: 'RequestResponse',
      logType: 'None',
      clientContext: event.clientContext,
      requestId: event.requestId,
    });
    const { result, response } = await this.classify(outcome, event.functionName);
    const decision = decideAfterAttempt(result, event, this.now(), policy, this.deps.delays);
    switch (decision.kind) {
      case 'succeeded':
        metrics.finished(event.functionName, 'Success');
        return this.deliver(event, config?.onSuccess, 'Success', event.attempts, response);
      case 'retry':
        metrics.retried(event.functionName, result);
        await queue.reschedule(event.requestId, {
          dueAt: decision.dueAt,
          attempts: decision.attempts,
          throttles: decision.throttles,
          lastResponse: response !== undefined ? JSON.stringify(response) : event.lastResponse,
        });
        this.news += 1; // due again later: the next look queries the queue
        return;
      case 'failed':
        return this.fail(
          event,
          config,
          decision.condition,
          decision.invokeCount,
          response ?? parseAttemptResponse(event.lastResponse),
        );
      case 'discarded':
        metrics.discarded(event.functionName, decision.reason);
        return queue.finish(event.requestId);
      default: {
        const never: never = decision;
        throw new Error(`unknown decision ${JSON.stringify(never)}`);
      }
    }
  }

  private async fail(
    event: QueuedEvent,
    config: EventInvokeConfigRecord | undefined,
    condition: FailureCondition,
    invokeCount: number,
    response: AttemptResponse | undefined,
  ): Promise<void> {
    this.deps.metrics.finished(event.functionName, condition);
    const count = condition === 'ZeroReservedConcurrency' ? 0 : Math.max(0, invokeCount);
    return this.deliver(
      event,
      config?.onFailure,
      condition,
      count,
      condition === 'ZeroReservedConcurrency' ? undefined : response,
    );
  }

  private async deliver(
    event: QueuedEvent,
    destination: string | undefined,
    condition: 'Success' | FailureCondition,
    approximateInvokeCount: number,
    response: AttemptResponse | undefined,
  ): Promise<void> {
    if (destination === undefined) return this.deps.queue.finish(event.requestId);
    const undelivered = await this.deps.destinations.send(destination, {
      requestId: event.requestId,
      functionName: event.functionName,
      qualifier: event.qualifier ?? LATEST,
      condition,
      approximateInvokeCount,
      requestPayload: event.payload,
      response,
      timestamp: new Date(this.now()),
    });
    if (undelivered !== undefined) this.deps.metrics.undeliverable(event.functionName);
    return this.deps.queue.finish(event.requestId, undelivered);
  }

  /** The retry policy's view of an outcome, and the response a record would carry. */
  private async classify(
    outcome: InvokeOutcome,
    functionName: string,
  ): Promise<{ result: AttemptResult; response: AttemptResponse | undefined }> {
    switch (outcome.kind) {
      case 'success':
        return { result: 'success', response: responseOf(outcome, undefined) };
      case 'function-error':
      case 'init-error':
      case 'timeout':
        return { result: 'function-error', response: responseOf(outcome, 'Unhandled') };
      case 'throttled': {
        const reserved = await this.deps.reservedConcurrency(functionName);
        return { result: reserved === 0 ? 'zero-reserved' : 'throttled', response: undefined };
      }
      case 'rejected': {
        const { status } = outcome.error;
        // 409: Pending or being updated; 5xx: the platform failed. Both pass with time.
        if (status === 409 || status >= 500) return { result: 'system-error', response: undefined };
        // 404 (deleted function, version or alias) and any other refusal cannot succeed later.
        return { result: 'function-gone', response: undefined };
      }
      case 'queued':
      case 'dry-run':
        throw new Error(`an async attempt cannot end as ${outcome.kind}`);
      default: {
        const never: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(never)}`);
      }
    }
  }
}

function policyOf(config: EventInvokeConfigRecord | undefined): RetryPolicy {
  return {
    maximumRetryAttempts: config?.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
    maximumEventAgeMs: (config?.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000,
  };
}

function responseOf(
  outcome: { executedVersion: string; payload: Buffer },
  functionError: string | undefined,
): AttemptResponse {
  return {
    statusCode: 200,
    executedVersion: outcome.executedVersion,
    functionError,
    payload: outcome.payload.toString('utf8'),
  };
}
