import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../core/index.js';
import { processedUpTo } from '../store/index.js';
import type { SqlExecutor } from '../store/index.js';

/** What the gauges read. */
export interface SystemGaugeDeps {
  readonly sql: SqlExecutor;
  readonly clock: Clock;
  /** The engine's cursor name in `engine_cursors` (default `engine`). */
  readonly engineCursor?: string;
}

/**
 * Gauges for the health figures `/metrics` did not carry and the web app's system page shows, read from the
 * database at scrape time (so every process reports the same truth, whichever one runs the engine):
 * `segflow_engine_lag_events` (events in the log the engine has not evaluated yet),
 * `segflow_engine_timers_due` (time-based changes whose instant has passed but which have not fired),
 * `segflow_engine_timers_pending`, `segflow_event_log_head` and `segflow_change_log_head`. The ingestion rate
 * and error counts are derived from the existing counters (`segflow_ingested_messages_total`,
 * `segflow_http_request_duration_seconds_count{status_code=~"5.."}`).
 */
export function registerSystemGauges(registry: Registry, deps: SystemGaugeDeps): void {
  const { sql, clock } = deps;
  const cursor = deps.engineCursor ?? 'engine';
  const one = async (text: string, params: readonly unknown[] = []): Promise<number> => {
    const rows = await sql.query<{ n: unknown }>(text, params);
    return Number(rows[0]?.n ?? 0);
  };
  const gauge = (name: string, help: string, read: () => Promise<number>): void => {
    if (registry.getSingleMetric(name)) return;
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(await read());
      },
    });
  };
  const head = (): Promise<number> => one('SELECT COALESCE(MAX(seq), 0) AS n FROM events');
  gauge('segflow_event_log_head', 'Highest seq in the event log.', head);
  gauge('segflow_change_log_head', 'Highest seq in the membership change log.', () => one('SELECT COALESCE(MAX(seq), 0) AS n FROM membership_changes'));
  // Counted per partition (a cluster's engines each have their own cursor).
  gauge('segflow_engine_lag_events', 'Events stored but not yet evaluated by the engine.', async () => (await processedUpTo(sql, cursor)).waiting);
  gauge('segflow_engine_timers_due', 'Timers whose instant has passed and that have not fired yet.', () =>
    one('SELECT COUNT(*) AS n FROM engine_timers WHERE due_at <= $1', [clock.now()]),
  );
  gauge('segflow_engine_timers_pending', 'Timers scheduled for a future instant.', () => one('SELECT COUNT(*) AS n FROM engine_timers WHERE due_at > $1', [clock.now()]));
}
