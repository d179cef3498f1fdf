import type { Migration } from './migration.js';

/**
 * The store's core tables: workspaces with hashed API keys and settings, profiles with identities and
 * subscription state, and the event log.
 *
 * The event log's `seq` is its position. SQLite: `INTEGER PRIMARY KEY AUTOINCREMENT`, so a seq is never
 * reused even after the newest events are erased (a consumer's cursor must never see an old number again).
 * PostgreSQL: `bigserial`; commit order equals seq order because appends take a transaction-scoped advisory
 * lock (see `EventRepoSql.append`).
 */
export const migration0001: Migration = {
  id: 1,
  name: 'core',
  sqlite: `
    CREATE TABLE workspaces (
      id          TEXT PRIMARY KEY,
      name        TEXT NOT NULL,
      created_at  INTEGER NOT NULL
    );
    CREATE TABLE api_keys (
      id            TEXT PRIMARY KEY,
      workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
      kind          TEXT NOT NULL CHECK (kind IN ('write', 'admin')),
      hash          TEXT NOT NULL UNIQUE,
      prefix        TEXT NOT NULL,
      created_at    INTEGER NOT NULL
    );
    CREATE INDEX api_keys_workspace ON api_keys (workspace_id, kind);
    CREATE TABLE workspace_settings (
      workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
      name          TEXT NOT NULL,
      value         TEXT NOT NULL,
      PRIMARY KEY (workspace_id, name)
    );
    CREATE TABLE profiles (
      workspace_id             TEXT NOT NULL,
      id                       TEXT NOT NULL,
      traits                   TEXT NOT NULL DEFAULT '{}',
      subscription_state       TEXT NOT NULL DEFAULT 'unknown',
      subscription_changed_at  INTEGER,
      subscription_reason      TEXT,
      consent                  TEXT NOT NULL DEFAULT '{}',
      created_at               INTEGER NOT NULL,
      updated_at               INTEGER NOT NULL,
      first_seen_at            INTEGER,
      last_seen_at             INTEGER,
      merged_into              TEXT,
      PRIMARY KEY (workspace_id, id)
    );
    CREATE INDEX profiles_merged_into ON profiles (workspace_id, merged_into) WHERE merged_into IS NOT NULL;
    CREATE TABLE identities (
      workspace_id   TEXT NOT NULL,
      kind           TEXT NOT NULL,
      value          TEXT NOT NULL,
      profile_id     TEXT NOT NULL,
      first_seen_at  INTEGER NOT NULL,
      PRIMARY KEY (workspace_id, kind, value),
      FOREIGN KEY (workspace_id, profile_id) REFERENCES profiles (workspace_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX identities_profile ON identities (workspace_id, profile_id);
    CREATE TABLE events (
      seq           INTEGER PRIMARY KEY AUTOINCREMENT,
      workspace_id  TEXT NOT NULL,
      message_id    TEXT NOT NULL,
      profile_id    TEXT NOT NULL,
      type          TEXT NOT NULL,
      name          TEXT,
      user_id       TEXT,
      anonymous_id  TEXT,
      timestamp     INTEGER NOT NULL,
      received_at   INTEGER NOT NULL,
      properties    TEXT NOT NULL,
      traits        TEXT NOT NULL,
      context       TEXT NOT NULL
    );
    CREATE UNIQUE INDEX events_message ON events (workspace_id, message_id);
    CREATE INDEX events_profile_seq ON events (workspace_id, profile_id, seq);
    CREATE INDEX events_profile_time ON events (workspace_id, profile_id, timestamp);
  `,
  postgres: `
    CREATE TABLE workspaces (
      id          text PRIMARY KEY,
      name        text NOT NULL,
      created_at  bigint NOT NULL
    );
    CREATE TABLE api_keys (
      id            text PRIMARY KEY,
      workspace_id  text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
      kind          text NOT NULL CHECK (kind IN ('write', 'admin')),
      hash          text NOT NULL UNIQUE,
      prefix        text NOT NULL,
      created_at    bigint NOT NULL
    );
    CREATE INDEX api_keys_workspace ON api_keys (workspace_id, kind);
    CREATE TABLE workspace_settings (
      workspace_id  text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
      name          text NOT NULL,
      value         jsonb NOT NULL,
      PRIMARY KEY (workspace_id, name)
    );
    CREATE TABLE profiles (
      workspace_id             text NOT NULL,
      id                       text NOT NULL,
      traits                   jsonb NOT NULL DEFAULT '{}',
      subscription_state       text NOT NULL DEFAULT 'unknown',
      subscription_changed_at  bigint,
      subscription_reason      text,
      consent                  jsonb NOT NULL DEFAULT '{}',
      created_at               bigint NOT NULL,
      updated_at               bigint NOT NULL,
      first_seen_at            bigint,
      last_seen_at             bigint,
      merged_into              text,
      PRIMARY KEY (workspace_id, id)
    );
    CREATE INDEX profiles_merged_into ON profiles (workspace_id, merged_into) WHERE merged_into IS NOT NULL;
    CREATE TABLE identities (
      workspace_id   text NOT NULL,
      kind           text NOT NULL,
      value          text NOT NULL,
      profile_id     text NOT NULL,
      first_seen_at  bigint NOT NULL,
      PRIMARY KEY (workspace_id, kind, value),
      FOREIGN KEY (workspace_id, profile_id) REFERENCES profiles (workspace_id, id)
    );
    CREATE INDEX identities_profile ON identities (workspace_id, profile_id);
    CREATE TABLE events (
      seq           bigserial PRIMARY KEY,
      workspace_id  text NOT NULL,
      message_id    text NOT NULL,
      profile_id    text NOT NULL,
      type          text NOT NULL,
      name          text,
      user_id       text,
      anonymous_id  text,
      timestamp     bigint NOT NULL,
      received_at   bigint NOT NULL,
      properties    jsonb NOT NULL,
      traits        jsonb NOT NULL,
      context       jsonb NOT NULL
    );
    CREATE UNIQUE INDEX events_message ON events (workspace_id, message_id);
    CREATE INDEX events_profile_seq ON events (workspace_id, profile_id, seq);
    CREATE INDEX events_profile_time ON events (workspace_id, profile_id, timestamp);
  `,
};
