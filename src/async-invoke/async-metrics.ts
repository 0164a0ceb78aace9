// The async queue as Prometheus metrics (GET /hearth/metrics, docs/async.md): events accepted,
// retried, finished per condition, expired, undeliverable and discarded; queue depth and the age
// of the oldest event per function (from a snapshot the poller refreshes every second).
import type { MetricsRegistry } from '../observability/metrics.js';
import type { AsyncQueueStats, FunctionQueueDepth } from '../storage/ports.js';
import type { AttemptResult, FailureCondition } from './retry-policy.js';

export interface AsyncMetrics {
  accepted(functionName: string): void;
  retried(functionName: string, cause: AttemptResult): void;
  finished(functionName: string, condition: 'Success' | FailureCondition): void;
  undeliverable(functionName: string): void;
  discarded(functionName: string, reason: string): void;
}

export function asyncMetrics(registry: MetricsRegistry): AsyncMetrics {
  const accepted = registry.counter('hearth_async_events_accepted_total', 'Async events accepted (202 sent).');
  const retried = registry.counter(
    'hearth_async_events_retried_total',
    'Async attempts scheduled again (cause: function-error, throttled, system-error).',
  );
  const finished = registry.counter(
    'hearth_async_events_finished_total',
    'Async events done (condition: Success, RetriesExhausted, EventAgeExceeded, ZeroReservedConcurrency).',
  );
  const expired = registry.counter(
    'hearth_async_events_expired_total',
    'Async events that reached MaximumEventAgeInSeconds (EventAgeExceeded).',
  );
  const undeliverable = registry.counter(
    'hearth_async_events_undeliverable_total',
    'Invocation records no destination could take, kept in the undeliverable table.',
  );
  const discarded = registry.counter(
    'hearth_async_events_discarded_total',
    'Async events dropped without a record (reason: function-deleted).',
  );
  return {
    accepted: (fn) => accepted.inc({ function: fn }),
    retried: (fn, cause) => retried.inc({ function: fn, cause }),
    finished: (fn, condition) => {
      finished.inc({ function: fn, condition });
      if (condition === 'EventAgeExceeded') expired.inc({ function: fn });
    },
    undeliverable: (fn) => undeliverable.inc({ function: fn }),
    discarded: (fn, reason) => discarded.inc({ function: fn, reason }),
  };
}

const SNAPSHOT_EVERY_MS = 1000;

/**
 * Queue depth and oldest-event age per function. The page renders synchronously, so the gauges
 * read a snapshot of the queue taken every second (at most a second old); stop() ends it.
 */
export function asyncQueueGauges(
  registry: MetricsRegistry,
  stats: AsyncQueueStats,
  onError: (error: unknown) => void = () => {},
): { stop(): void } {
  let snapshot: { at: number; depths: readonly FunctionQueueDepth[] } = { at: Date.now(), depths: [] };
  const refresh = (): void => {
    stats.depths().then((depths) => {
      snapshot = { at: Date.now(), depths };
    }, onError);
  };
  refresh();
  const timer = setInterval(refresh, SNAPSHOT_EVERY_MS);
  timer.unref();
  registry.gaugeFamily('hearth_async_queue_depth', 'Async events queued or running, per function.', () =>
    snapshot.depths.map((d) => ({ labels: { function: d.functionName }, value: d.depth })),
  );
  registry.gaugeFamily(
    'hearth_async_oldest_event_age_seconds',
    'Age of the oldest queued async event, per function.',
    () =>
      snapshot.depths.map((d) => ({
        labels: { function: d.functionName },
        value: Math.max(0, (snapshot.at - d.oldestAcceptedAt) / 1000),
      })),
  );
  let undeliverable = 0;
  registry.gauge('hearth_async_undeliverable_events', 'Records kept in the undeliverable table.', () => undeliverable);
  const countUndeliverable = (): void => {
    stats.undeliverableCount().then((n) => {
      undeliverable = n;
    }, onError);
  };
  countUndeliverable();
  const countTimer = setInterval(countUndeliverable, SNAPSHOT_EVERY_MS);
  countTimer.unref();
  return {
    stop() {
      clearInterval(timer);
      clearInterval(countTimer);
    },
  };
}
