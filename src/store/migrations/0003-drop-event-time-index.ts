import type { Migration } from './migration.js';

/**
 * Drops the (workspace, profile, timestamp) index on events. Its only reader was `historyOf`, which loads a
 * profile's whole history anyway and now sorts it by event time in memory after reading it by the
 * (workspace, profile, seq) index; meanwhile every append paid for it: measured on SQLite, maintaining it
 * cost about a quarter of the insert's CPU time on the ingestion hot path.
 */
export const migration0003: Migration = {
  id: 3,
  name: 'drop event time index',
  sqlite: 'DROP INDEX IF EXISTS events_profile_time;',
  postgres: 'DROP INDEX IF EXISTS events_profile_time;',
};
