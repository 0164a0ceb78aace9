// GET /hearth/metrics: Hearth's own metrics in the Prometheus text format (observability/metrics.ts).
// Not a Lambda operation, so it lives under /hearth/; like every API request it must be signed
// with SigV4 (e.g. `curl --aws-sigv4 aws:amz:REGION:lambda --user KEY:SECRET`), as DESIGN.md asks.
import type { Route } from '../route.js';

export interface MetricsSource {
  render(): string;
}

export function metricsRoutes(metrics: MetricsSource): Route[] {
  return [
    {
      operation: 'GetMetrics',
      method: 'GET',
      path: '/hearth/metrics',
      handler: () =>
        Promise.resolve({
          status: 200,
          headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' },
          body: metrics.render(),
        }),
    },
  ];
}
