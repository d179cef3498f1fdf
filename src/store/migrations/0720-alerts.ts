import type { Migration } from './migration.js';

/**
 * Alerts: rules (what to watch, the threshold, where to send), the alerts they raised (one row per firing,
 * resolved in place; a partial unique index keeps a rule to one open alert, whichever process fires it) and the notification outbox (one row per fired or
 * resolved notice, retried until delivered or given up).
 */
export const migration0720: Migration = {
  id: 720,
  name: 'alerts',
  sqlite: `CREATE TABLE alert_rules (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  segment_id TEXT,
  params TEXT NOT NULL,
  destination TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX alert_rules_name ON alert_rules (workspace_id, name);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  state TEXT NOT NULL,
  fired_at INTEGER NOT NULL,
  resolved_at INTEGER,
  value REAL NOT NULL,
  message TEXT NOT NULL,
  link TEXT
);
CREATE INDEX alerts_rule ON alerts (rule_id, state);
CREATE UNIQUE INDEX alerts_one_open ON alerts (rule_id) WHERE state = 'firing';
CREATE INDEX alerts_workspace ON alerts (workspace_id, fired_at);
CREATE TABLE alert_notifications (
  id TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  event TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT
);
CREATE INDEX alert_notifications_due ON alert_notifications (status, next_attempt_at);`,
  postgres: `CREATE TABLE alert_rules (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  segment_id TEXT,
  params TEXT NOT NULL,
  destination TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX alert_rules_name ON alert_rules (workspace_id, name);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  state TEXT NOT NULL,
  fired_at BIGINT NOT NULL,
  resolved_at BIGINT,
  value DOUBLE PRECISION NOT NULL,
  message TEXT NOT NULL,
  link TEXT
);
CREATE INDEX alerts_rule ON alerts (rule_id, state);
CREATE UNIQUE INDEX alerts_one_open ON alerts (rule_id) WHERE state = 'firing';
CREATE INDEX alerts_workspace ON alerts (workspace_id, fired_at);
CREATE TABLE alert_notifications (
  id TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  event TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT
);
CREATE INDEX alert_notifications_due ON alert_notifications (status, next_attempt_at);`,
};
