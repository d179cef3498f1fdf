import type { Migration } from './migration.js';

/**
 * Experiments (src/experiments): definitions, exposures (one per person and experiment, the first entry into
 * their own arm's segment), conversions (one row per matching event, so a replayed event changes nothing) and
 * the experiment worker's two durable cursors (membership change log, event log).
 */
export const migration0600: Migration = {
  id: 600,
  name: 'experiments',
  sqlite: `CREATE TABLE experiments (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  salt TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (workspace_id, name)
);
CREATE TABLE experiment_exposures (
  experiment_id TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  arm TEXT NOT NULL,
  exposed_at INTEGER NOT NULL,
  PRIMARY KEY (experiment_id, profile_id)
);
CREATE INDEX experiment_exposures_profile ON experiment_exposures (profile_id);
CREATE TABLE experiment_conversions (
  experiment_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  profile_id TEXT NOT NULL,
  value REAL NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (experiment_id, metric, event_seq)
);
CREATE INDEX experiment_conversions_profile ON experiment_conversions (experiment_id, metric, profile_id);
CREATE TABLE experiment_cursors (
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL
);`,
  postgres: `CREATE TABLE experiments (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  salt TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (workspace_id, name)
);
CREATE TABLE experiment_exposures (
  experiment_id TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  arm TEXT NOT NULL,
  exposed_at BIGINT NOT NULL,
  PRIMARY KEY (experiment_id, profile_id)
);
CREATE INDEX experiment_exposures_profile ON experiment_exposures (profile_id);
CREATE TABLE experiment_conversions (
  experiment_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  event_seq BIGINT NOT NULL,
  profile_id TEXT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (experiment_id, metric, event_seq)
);
CREATE INDEX experiment_conversions_profile ON experiment_conversions (experiment_id, metric, profile_id);
CREATE TABLE experiment_cursors (
  name TEXT PRIMARY KEY,
  seq BIGINT NOT NULL
);`,
};
