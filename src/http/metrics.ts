/**
 * Prometheus metrics: the process and Node.js defaults under their standard names
 * (`process_*`, `nodejs_*`, so stock dashboards work), plus TechPass' own
 * `techpass_*` request, database and job metrics. Requests are labelled by route
 * pattern (`/login/:uid`), never by raw path: a label per URL would let anyone grow
 * the page and the server's memory without bound.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  databaseUp: Gauge;
  jobRuns: Counter<'job' | 'outcome'>;
}

/** The route label of a request no route matched (404s, probes of random URLs). */
export const UNMATCHED_ROUTE = 'unmatched';

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requestDuration: new Histogram({
      name: 'techpass_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    databaseUp: new Gauge({ name: 'techpass_database_up', help: '1 when the database answers', registers: [registry] }),
    jobRuns: new Counter({
      name: 'techpass_job_runs_total',
      help: 'Background job runs by job and outcome',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
  };
}
