import { useEffect, useRef, useState } from 'preact/hooks';
import { Panel } from '../components/states.js';
import { fmtNumber } from '../lib/format.js';
import { parsePrometheus, sumOf, type Sample } from '../lib/prometheus.js';

const POLL_MS = 5000;

interface Reading {
  readonly at: number;
  readonly samples: Sample[];
}

/** System health from `/metrics` (the same figures Prometheus scrapes), polled every 5 s; rates from the last two polls. */
export function SystemPage() {
  const [readings, setReadings] = useState<Reading[]>([]);
  const [error, setError] = useState<string | undefined>();
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    const poll = async (): Promise<void> => {
      try {
        const res = await fetch('/metrics', { credentials: 'same-origin' });
        if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
        const samples = parsePrometheus(await res.text());
        if (mounted.current) {
          setReadings((r) => [...r.slice(-1), { at: Date.now(), samples }]);
          setError(undefined);
        }
      } catch (err) {
        if (mounted.current) setError(err instanceof Error ? err.message : String(err));
      }
    };
    void poll();
    const id = setInterval(() => void poll(), POLL_MS);
    return () => {
      mounted.current = false;
      clearInterval(id);
    };
  }, []);
  const last = readings[readings.length - 1];
  const prev = readings.length > 1 ? readings[0] : undefined;
  const ingested = (r: Reading): number => sumOf(r.samples, 'segflow_ingested_messages_total', (l) => l.outcome === 'accepted' || l.outcome === undefined);
  const errors5xx = (r: Reading): number => sumOf(r.samples, 'segflow_http_request_duration_seconds_count', (l) => (l.status_code ?? '').startsWith('5'));
  const rate = last && prev ? ((ingested(last) - ingested(prev)) * 1000) / (last.at - prev.at) : undefined;
  const figures: [string, string, string][] = last
    ? [
        ['Ingestion rate', rate === undefined ? 'measuring…' : `${rate.toFixed(1)} events/s`, 'accepted messages per second over the last poll'],
        ['Messages ingested', fmtNumber(ingested(last)), 'since the process started'],
        ['Engine lag', `${fmtNumber(sumOf(last.samples, 'segflow_engine_lag_events'))} events`, 'stored but not yet evaluated'],
        ['Timers due', fmtNumber(sumOf(last.samples, 'segflow_engine_timers_due')), 'time-based changes past their instant, not yet fired'],
        ['Timers scheduled', fmtNumber(sumOf(last.samples, 'segflow_engine_timers_pending')), 'future time-based changes'],
        ['Ingest queue', fmtNumber(sumOf(last.samples, 'segflow_ingest_queue_depth')), 'messages waiting for a group commit'],
        ['Server errors', fmtNumber(errors5xx(last)), 'HTTP 5xx answers since the process started'],
        ['Event log', fmtNumber(sumOf(last.samples, 'segflow_event_log_head')), 'events stored (log head)'],
        ['Change log', fmtNumber(sumOf(last.samples, 'segflow_change_log_head')), 'membership changes recorded (log head)'],
      ]
    : [];
  return (
    <>
      <h1>System</h1>
      {error && (
        <div class="error-box" role="alert">
          {error}
        </div>
      )}
      {!last && !error && (
        <p class="muted" role="status">
          Reading /metrics…
        </p>
      )}
      {last && (
        <Panel title="Health">
          <dl class="stats">
            {figures.map(([label, value, help]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd data-testid={`metric-${label}`}>{value}</dd>
                <dd class="muted small">{help}</dd>
              </div>
            ))}
          </dl>
          <p class="muted small">
            From <a href="/metrics">/metrics</a>, refreshed every {POLL_MS / 1000} s.
          </p>
        </Panel>
      )}
    </>
  );
}
