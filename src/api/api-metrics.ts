import { Counter, Gauge, Histogram, type Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus metrics, registered on the services' registry. */
export interface ApiMetrics {
  /** Messages by call type (`track`, …, or `unknown`) and outcome (`accepted`, `duplicate`, `rejected`). */
  readonly ingested: Counter<'type' | 'outcome'>;
  /** Request latency by method, route pattern and status code. */
  readonly requestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

const registered = new WeakMap<Registry, ApiMetrics>();

/**
 * Registers (once per registry) the ingestion counter, the request latency histogram, the write-queue depth
 * gauge (read on scrape from `queueDepth`) and prom-client's default process metrics.
 */
export function apiMetrics(registry: Registry, queueDepth: () => number): ApiMetrics {
  const existing = registered.get(registry);
  if (existing) return existing;
  collectDefaultMetrics({ register: registry });
  const metrics: ApiMetrics = {
    ingested: new Counter({
      name: 'segflow_ingested_messages_total',
      help: 'Ingested messages by call type and outcome.',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'segflow_http_request_duration_seconds',
      help: 'HTTP request latency.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'segflow_ingest_queue_depth',
    help: 'Messages waiting for or inside a group commit.',
    registers: [registry],
    collect() {
      this.set(queueDepth());
    },
  });
  registered.set(registry, metrics);
  return metrics;
}
