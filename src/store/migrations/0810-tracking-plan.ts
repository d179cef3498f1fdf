import type { Migration } from './migration.js';

/**
 * Tracking plans: per workspace, how events the plan does not name are treated and a version bumped on every
 * change (so other processes notice a change with one small read); one JSON Schema per event name (`kind`
 * `track`) or for identify traits (`kind` `identify`, event ''), each with its mode (`allow`, `flag`, `block`);
 * violation counters per event, kind and field with a few recent samples; violations per minute (what the
 * spike alert reads); and the quarantine of blocked messages, kept as received so they can be replayed.
 */
export const migration0810: Migration = {
  id: 810,
  name: 'tracking-plan',
  sqlite: `CREATE TABLE tracking_plans (
  workspace_id TEXT PRIMARY KEY,
  unplanned_mode TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE tracking_plan_schemas (
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  event TEXT NOT NULL,
  mode TEXT NOT NULL,
  schema TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, kind, event)
);
CREATE TABLE tracking_plan_violations (
  workspace_id TEXT NOT NULL,
  message_type TEXT NOT NULL,
  event TEXT NOT NULL,
  kind TEXT NOT NULL,
  field TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  samples TEXT NOT NULL,
  PRIMARY KEY (workspace_id, message_type, event, kind, field)
);
CREATE TABLE tracking_plan_violation_minutes (
  workspace_id TEXT NOT NULL,
  minute_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, minute_start)
);
CREATE TABLE tracking_plan_quarantine (
  workspace_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  message_type TEXT NOT NULL,
  event TEXT NOT NULL,
  message TEXT NOT NULL,
  meta TEXT NOT NULL,
  violations TEXT NOT NULL,
  quarantined_at INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, message_id)
);`,
  postgres: `CREATE TABLE tracking_plans (
  workspace_id TEXT PRIMARY KEY,
  unplanned_mode TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE tracking_plan_schemas (
  workspace_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  event TEXT NOT NULL,
  mode TEXT NOT NULL,
  schema TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, kind, event)
);
CREATE TABLE tracking_plan_violations (
  workspace_id TEXT NOT NULL,
  message_type TEXT NOT NULL,
  event TEXT NOT NULL,
  kind TEXT NOT NULL,
  field TEXT NOT NULL,
  count BIGINT NOT NULL,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  samples TEXT NOT NULL,
  PRIMARY KEY (workspace_id, message_type, event, kind, field)
);
CREATE TABLE tracking_plan_violation_minutes (
  workspace_id TEXT NOT NULL,
  minute_start BIGINT NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, minute_start)
);
CREATE TABLE tracking_plan_quarantine (
  workspace_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  message_type TEXT NOT NULL,
  event TEXT NOT NULL,
  message TEXT NOT NULL,
  meta TEXT NOT NULL,
  violations TEXT NOT NULL,
  quarantined_at BIGINT NOT NULL,
  PRIMARY KEY (workspace_id, message_id)
);`,
};
