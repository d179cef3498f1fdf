import type { Migration } from './migration.js';

/**
 * The engine's durable state: at most one pending timer per (segment, profile) with a due-time index, and the
 * engine's cursor in the event log (moved in the same transaction as the effects of the events it covers).
 */
export const migration0102: Migration = {
  id: 102,
  name: 'engine timers and cursor',
  sqlite: `
    CREATE TABLE engine_timers (
      segment_id TEXT NOT NULL,
      profile_id TEXT NOT NULL,
      workspace_id TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      PRIMARY KEY (segment_id, profile_id)
    );
    CREATE INDEX engine_timers_due ON engine_timers (due_at);
    CREATE TABLE engine_cursors (
      name TEXT PRIMARY KEY,
      seq INTEGER NOT NULL
    );`,
  postgres: `
    CREATE TABLE engine_timers (
      segment_id TEXT NOT NULL,
      profile_id TEXT NOT NULL,
      workspace_id TEXT NOT NULL,
      due_at BIGINT NOT NULL,
      PRIMARY KEY (segment_id, profile_id)
    );
    CREATE INDEX engine_timers_due ON engine_timers (due_at);
    CREATE TABLE engine_cursors (
      name TEXT PRIMARY KEY,
      seq BIGINT NOT NULL
    );`,
};
