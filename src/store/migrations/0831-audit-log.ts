import type { Migration } from './migration.js';

/**
 * The audit log: one row per administrative request (who, what, when, outcome), append-only and chained — each
 * row's `hash` covers its own fields and the previous row's `hash`, so editing, removing or reordering any row
 * breaks every later link (`segflow audit verify`). Triggers refuse UPDATE and DELETE, so the application
 * cannot rewrite history by mistake; someone with the database file can, and the chain is what shows it.
 */
export const migration0831: Migration = {
  id: 831,
  name: 'audit-log',
  sqlite: `
    CREATE TABLE audit_log (
      seq           INTEGER PRIMARY KEY AUTOINCREMENT,
      workspace_id  TEXT NOT NULL,
      at            INTEGER NOT NULL,
      actor         TEXT NOT NULL,
      method        TEXT NOT NULL,
      route         TEXT NOT NULL,
      params        TEXT NOT NULL,
      status        INTEGER NOT NULL,
      body_digest   TEXT,
      detail        TEXT,
      prev_hash     TEXT NOT NULL,
      hash          TEXT NOT NULL
    );
    CREATE INDEX audit_log_workspace ON audit_log (workspace_id, seq);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  `,
  postgres: `
    CREATE TABLE audit_log (
      seq           bigserial PRIMARY KEY,
      workspace_id  text NOT NULL,
      at            bigint NOT NULL,
      actor         text NOT NULL,
      method        text NOT NULL,
      route         text NOT NULL,
      params        jsonb NOT NULL,
      status        integer NOT NULL,
      body_digest   text,
      detail        jsonb,
      prev_hash     text NOT NULL,
      hash          text NOT NULL
    );
    CREATE INDEX audit_log_workspace ON audit_log (workspace_id, seq);
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
    $$;
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
  `,
};
