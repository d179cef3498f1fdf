import type { Migration } from './migration.js';

function ddl(int: 'INTEGER' | 'BIGINT'): string {
  return `
    CREATE TABLE destinations (
      id               TEXT PRIMARY KEY,
      workspace_id     TEXT NOT NULL,
      name             TEXT NOT NULL,
      url              TEXT NOT NULL,
      secret           TEXT NOT NULL,
      segments         TEXT NOT NULL,
      email_targeting  INTEGER NOT NULL,
      enabled          INTEGER NOT NULL,
      disabled_reason  TEXT,
      disabled_at      ${int},
      cursor_seq       ${int} NOT NULL,
      consecutive_dead INTEGER NOT NULL DEFAULT 0,
      failing_since    ${int},
      created_at       ${int} NOT NULL,
      updated_at       ${int} NOT NULL
    );
    CREATE INDEX destinations_ws ON destinations (workspace_id, created_at);
    CREATE TABLE destination_deliveries (
      id              TEXT PRIMARY KEY,
      destination_id  TEXT NOT NULL,
      workspace_id    TEXT NOT NULL,
      seq             ${int} NOT NULL,
      sub             INTEGER NOT NULL,
      profile_id      TEXT NOT NULL,
      segment_id      TEXT NOT NULL,
      kind            TEXT NOT NULL,
      payload         TEXT NOT NULL,
      status          TEXT NOT NULL,
      attempts        INTEGER NOT NULL,
      total_attempts  INTEGER NOT NULL,
      next_attempt_at ${int} NOT NULL,
      window_start    ${int} NOT NULL,
      created_at      ${int} NOT NULL,
      updated_at      ${int} NOT NULL,
      delivered_at    ${int},
      last_status     INTEGER,
      last_error      TEXT,
      UNIQUE (destination_id, seq, sub)
    );
    CREATE INDEX destination_deliveries_due ON destination_deliveries (destination_id, status, next_attempt_at);
    CREATE INDEX destination_deliveries_profile ON destination_deliveries (destination_id, profile_id, status, seq, sub);
    CREATE TABLE destination_attempts (
      delivery_id TEXT NOT NULL,
      n           INTEGER NOT NULL,
      started_at  ${int} NOT NULL,
      duration_ms INTEGER NOT NULL,
      status      INTEGER,
      outcome     TEXT NOT NULL,
      error       TEXT,
      PRIMARY KEY (delivery_id, n)
    );
    CREATE TABLE destination_members (
      destination_id TEXT NOT NULL,
      profile_id     TEXT NOT NULL,
      segment_id     TEXT NOT NULL,
      told           INTEGER NOT NULL,
      PRIMARY KEY (destination_id, profile_id, segment_id)
    );
    CREATE TABLE operational_events (
      id           TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      kind         TEXT NOT NULL,
      subject      TEXT NOT NULL,
      detail       TEXT NOT NULL,
      at           ${int} NOT NULL
    );
    CREATE INDEX operational_events_ws ON operational_events (workspace_id, at);`;
}

/**
 * Outbound destinations: the destinations with their durable change-log cursor and failure counters, one
 * delivery row per message (`id` is the stable `webhook-id`; `(seq, sub)` orders a profile's messages), every
 * attempt, what each email-targeting destination was told about each person (`told`), and operational events
 * (e.g. a destination disabled for failing).
 */
export const migration0200: Migration = {
  id: 200,
  name: 'destinations',
  sqlite: ddl('INTEGER'),
  postgres: ddl('BIGINT'),
};
