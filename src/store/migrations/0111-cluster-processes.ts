import type { Migration } from './migration.js';

/**
 * The processes sharing one database (`segflow serve` run several times): each keeps its row alive by heartbeat
 * (`expires_at`); the live rows are what every process divides the partitions of the event log by. A row whose
 * expiry passed belongs to a dead process and is ignored (and deleted by the next process that sees it).
 */
export const migration0111: Migration = {
  id: 111,
  name: 'cluster processes',
  sqlite: `
    CREATE TABLE cluster_processes (
      id TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      host TEXT NOT NULL,
      pid INTEGER NOT NULL,
      started_at INTEGER NOT NULL,
      heartbeat_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );`,
  postgres: `
    CREATE TABLE cluster_processes (
      id text PRIMARY KEY,
      role text NOT NULL,
      host text NOT NULL,
      pid integer NOT NULL,
      started_at bigint NOT NULL,
      heartbeat_at bigint NOT NULL,
      expires_at bigint NOT NULL
    );`,
};
