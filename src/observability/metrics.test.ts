import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsRegistry } from './metrics.js';

test('renders counters, gauges and histograms in the Prometheus text format', () => {
  const registry = new MetricsRegistry();
  const throttles = registry.counter('hearth_throttles_total', 'Throttled invocations.');
  registry.gauge('hearth_queue_length', 'Waiting now.', () => 3);
  const wait = registry.histogram('hearth_wait_seconds', 'Wait.', [0.1, 1]);
  throttles.inc({ reason: 'capacity' });
  throttles.inc({ reason: 'capacity' });
  wait.observe(0.05, { outcome: 'served' });
  wait.observe(0.5, { outcome: 'served' });
  wait.observe(2, { outcome: 'throttled' });
  assert.equal(throttles.get({ reason: 'capacity' }), 2);
  assert.equal(wait.count({ outcome: 'served' }), 2);
  assert.equal(
    registry.render(),
    [
      '# HELP hearth_throttles_total Throttled invocations.',
      '# TYPE hearth_throttles_total counter',
      'hearth_throttles_total{reason="capacity"} 2',
      '# HELP hearth_queue_length Waiting now.',
      '# TYPE hearth_queue_length gauge',
      'hearth_queue_length 3',
      '# HELP hearth_wait_seconds Wait.',
      '# TYPE hearth_wait_seconds histogram',
      'hearth_wait_seconds_bucket{outcome="served",le="0.1"} 1',
      'hearth_wait_seconds_bucket{outcome="served",le="1"} 2',
      'hearth_wait_seconds_bucket{outcome="served",le="+Inf"} 2',
      'hearth_wait_seconds_sum{outcome="served"} 0.55',
      'hearth_wait_seconds_count{outcome="served"} 2',
      'hearth_wait_seconds_bucket{outcome="throttled",le="0.1"} 0',
      'hearth_wait_seconds_bucket{outcome="throttled",le="1"} 0',
      'hearth_wait_seconds_bucket{outcome="throttled",le="+Inf"} 1',
      'hearth_wait_seconds_sum{outcome="throttled"} 2',
      'hearth_wait_seconds_count{outcome="throttled"} 1',
      '',
    ].join('\n'),
  );
});
