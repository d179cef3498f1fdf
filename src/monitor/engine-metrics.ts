import { Gauge, Histogram, type Registry } from 'prom-client';
import type { EngineObserver, EngineStats } from '../engine/index.js';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The engine's own metrics, fed by the engine rather than read from the database at scrape time: the returned
 * {@link EngineObserver} (pass it to the `Engine` as `observer`) fills the histograms as batches and timers
 * commit, and the gauges read `stats()` (the engine's in-memory figures) at scrape time. `stats` returns
 * undefined until the engine exists. Registered once per registry.
 *
 * - `segflow_engine_event_commit_seconds` (histogram): from an event's acceptance to the commit of its
 *   evaluation (membership changes and timers written) — the event → change latency.
 * - `segflow_engine_batch_seconds` (histogram): evaluating and committing one batch of log entries.
 * - `segflow_engine_timer_lateness_seconds` (histogram): from a timer's instant to the commit of its firing.
 * - `segflow_engine_lag_seconds`: age of the oldest event not yet evaluated when the engine last read the log.
 * - `segflow_engine_position`: the log position whose effects are committed.
 * - `segflow_engine_timers_in_memory`, `segflow_engine_timers_overdue_seconds` (how late the earliest
 *   timer held in memory is, 0 when none is due).
 * - `segflow_engine_backfills_running`, `segflow_engine_backfill_done_events{segment_id}`,
 *   `segflow_engine_backfill_total_events{segment_id}`.
 * - `segflow_engine_owned{kind,name}` (1 when this process owns that engine work) and
 *   `segflow_engine_owned_epoch{kind,name}` (its fencing epoch).
 */
export function registerEngineMetrics(registry: Registry, stats: () => EngineStats | undefined, now: () => number): EngineObserver {
  const existing = observers.get(registry);
  if (existing) return existing;
  const eventCommit = new Histogram({
    name: 'segflow_engine_event_commit_seconds',
    help: 'From an event\'s acceptance to the commit of its evaluation.',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const batch = new Histogram({ name: 'segflow_engine_batch_seconds', help: 'Evaluating and committing one batch of log entries.', buckets: LATENCY_BUCKETS, registers: [registry] });
  const lateness = new Histogram({
    name: 'segflow_engine_timer_lateness_seconds',
    help: 'From a timer\'s instant to the commit of its firing.',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const gauge = (name: string, help: string, read: (s: EngineStats) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = stats();
        if (s !== undefined) this.set(read(s));
      },
    });
  };
  gauge('segflow_engine_lag_seconds', 'Age of the oldest event not yet evaluated when the engine last read the log.', (s) => s.lagMs / 1000);
  gauge('segflow_engine_position', 'The log position whose effects are committed.', (s) => s.position);
  gauge('segflow_engine_timers_in_memory', 'Timers due within the horizon, held in memory.', (s) => s.timersInMemory);
  gauge('segflow_engine_timers_overdue_seconds', 'How late the earliest timer held in memory is (0 when none is due).', (s) =>
    s.nextDue === undefined ? 0 : Math.max(0, now() - s.nextDue) / 1000,
  );
  gauge('segflow_engine_backfills_running', 'Segments being backfilled in the background.', (s) => s.backfills.length);
  const labelled = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: EngineStats) => void): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        const s = stats();
        this.reset();
        if (s !== undefined) fill(this, s);
      },
    });
  };
  labelled('segflow_engine_backfill_done_events', 'Stored events whose profiles a running backfill has passed.', ['segment_id'], (g, s) => {
    for (const b of s.backfills) g.set({ segment_id: b.segmentId }, b.done);
  });
  labelled('segflow_engine_backfill_total_events', 'Stored events a running backfill passes in all.', ['segment_id'], (g, s) => {
    for (const b of s.backfills) g.set({ segment_id: b.segmentId }, b.total);
  });
  labelled('segflow_engine_owned', 'Engine work this process owns (1) or not (0).', ['kind', 'name'], (g, s) => {
    for (const o of s.ownership) g.set({ kind: o.kind, name: o.name }, o.held ? 1 : 0);
  });
  labelled('segflow_engine_owned_epoch', 'The fencing epoch of the engine work this process owns.', ['kind', 'name'], (g, s) => {
    for (const o of s.ownership) if (o.epoch !== undefined) g.set({ kind: o.kind, name: o.name }, o.epoch);
  });
  const observer: EngineObserver = {
    batchCommitted(receivedAts, startedAt, committedAt) {
      batch.observe(Math.max(0, committedAt - startedAt) / 1000);
      for (const at of receivedAts) eventCommit.observe(Math.max(0, committedAt - at) / 1000);
    },
    timersFired(dueAts, committedAt) {
      for (const at of dueAts) lateness.observe(Math.max(0, committedAt - at) / 1000);
    },
  };
  observers.set(registry, observer);
  return observer;
}

const observers = new WeakMap<Registry, EngineObserver>();
