import type { Migration } from './migration.js';

const table = (int: string): string => `
  CREATE TABLE workspace_activity (
    workspace_id     TEXT PRIMARY KEY,
    last_received_at ${int} NOT NULL
  );
  INSERT INTO workspace_activity (workspace_id, last_received_at)
    SELECT workspace_id, MAX(received_at) FROM events GROUP BY workspace_id;`;

/**
 * When each workspace last received an event, for the `no_events` alert: kept by the monitor's follower of the
 * event log (with the data catalogue, off the ingestion path), so the alert reads one row instead of walking the log
 * backwards past every other workspace's events. Seeded here from the events already stored (one pass over the
 * log, once).
 */
export const migration0721: Migration = {
  id: 721,
  name: 'workspace activity',
  sqlite: table('INTEGER'),
  postgres: table('BIGINT'),
};
