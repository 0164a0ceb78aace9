// The worker manager's capacity as Prometheus metrics (GET /hearth/metrics, docs/capacity.md):
// the memory budget and what is granted of it, sandboxes, waiters, the time invocations waited
// for room, evictions and throttles.
import type { MetricsRegistry } from '../observability/metrics.js';
import type { CapacityMetrics, CapacityState } from './worker-manager.js';

/** Upper bounds (seconds) of the queue-wait histogram; the default wait is 2 s. */
const WAIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/** Counters and the histogram the worker manager records into. */
export function capacityMetrics(registry: MetricsRegistry): CapacityMetrics {
  const wait = registry.histogram(
    'hearth_capacity_queue_wait_seconds',
    'Time invocations waited for room for a new sandbox (outcome: served or throttled).',
    WAIT_BUCKETS,
  );
  const evictions = registry.counter(
    'hearth_sandbox_evictions_total',
    'Idle sandboxes shut down to make room for another.',
  );
  const throttles = registry.counter(
    'hearth_worker_throttles_total',
    'Invocations throttled by the worker manager (cause: capacity or scaling-rate).',
  );
  return {
    queueWait: (seconds, outcome) => wait.observe(seconds, { outcome }),
    evicted: () => evictions.inc(),
    throttled: (cause) => throttles.inc({ cause }),
  };
}

/** Gauges read from the worker manager when the page is rendered. */
export function capacityGauges(registry: MetricsRegistry, read: () => CapacityState): void {
  const mb = 1024 * 1024;
  registry.gauge(
    'hearth_sandbox_memory_budget_bytes',
    'The sandbox memory budget (HEARTH_SANDBOX_MEMORY_MB).',
    () => read().budgetMb * mb,
  );
  registry.gauge(
    'hearth_sandbox_memory_reserved_bytes',
    'Memory granted to sandboxes now (starting, idle, busy, and pre-started ones of the pool).',
    () => read().reservedMb * mb,
  );
  registry.gauge('hearth_sandboxes', 'Sandboxes on this host now (starting, idle, busy).', () => read().sandboxes);
  registry.gauge(
    'hearth_prestarted_sandboxes',
    'Pre-started sandboxes of the pool now (ready or starting); they count against HEARTH_MAX_SANDBOXES too.',
    () => read().prestarted ?? 0,
  );
  registry.gauge('hearth_capacity_queue_length', 'Invocations waiting for room now.', () => read().queued);
}
