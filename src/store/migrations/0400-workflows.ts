import type { Migration } from './migration.js';

function ddl(int: 'INTEGER' | 'BIGINT'): string {
  return `
    CREATE TABLE workflows (
      id              TEXT PRIMARY KEY,
      workspace_id    TEXT NOT NULL,
      name            TEXT NOT NULL,
      status          TEXT NOT NULL,
      current_version INTEGER NOT NULL,
      created_at      ${int} NOT NULL,
      updated_at      ${int} NOT NULL,
      UNIQUE (workspace_id, name)
    );
    CREATE TABLE workflow_versions (
      workflow_id TEXT NOT NULL,
      version     INTEGER NOT NULL,
      definition  TEXT NOT NULL,
      created_at  ${int} NOT NULL,
      PRIMARY KEY (workflow_id, version)
    );
    CREATE TABLE workflow_runs (
      id           TEXT PRIMARY KEY,
      workflow_id  TEXT NOT NULL,
      version      INTEGER NOT NULL,
      workspace_id TEXT NOT NULL,
      profile_id   TEXT NOT NULL,
      run_key      TEXT NOT NULL,
      status       TEXT NOT NULL,
      step_id      TEXT NOT NULL,
      state        TEXT NOT NULL,
      path_len     INTEGER NOT NULL,
      exit_cause   TEXT,
      entered_at   ${int} NOT NULL,
      updated_at   ${int} NOT NULL,
      ended_at     ${int}
    );
    CREATE INDEX workflow_runs_profile ON workflow_runs (profile_id, status);
    CREATE INDEX workflow_runs_workflow ON workflow_runs (workflow_id, version, status, step_id);
    CREATE TABLE workflow_entries (
      workflow_id   TEXT NOT NULL,
      profile_id    TEXT NOT NULL,
      run_key       TEXT NOT NULL,
      blocked_until ${int} NOT NULL,
      entries       INTEGER NOT NULL,
      last_run_id   TEXT NOT NULL,
      PRIMARY KEY (workflow_id, profile_id, run_key)
    );
    CREATE TABLE workflow_timers (
      run_id TEXT PRIMARY KEY,
      due_at ${int} NOT NULL
    );
    CREATE INDEX workflow_timers_due ON workflow_timers (due_at);
    CREATE TABLE workflow_steps (
      run_id  TEXT NOT NULL,
      n       INTEGER NOT NULL,
      step_id TEXT NOT NULL,
      outcome TEXT NOT NULL,
      at      ${int} NOT NULL,
      detail  TEXT,
      PRIMARY KEY (run_id, n)
    );
    CREATE TABLE workflow_actions (
      id              TEXT PRIMARY KEY,
      run_id          TEXT NOT NULL,
      workflow_id     TEXT NOT NULL,
      version         INTEGER NOT NULL,
      workspace_id    TEXT NOT NULL,
      profile_id      TEXT NOT NULL,
      step_id         TEXT NOT NULL,
      kind            TEXT NOT NULL,
      target          TEXT NOT NULL,
      payload         TEXT NOT NULL,
      status          TEXT NOT NULL,
      attempts        INTEGER NOT NULL,
      due_at          ${int} NOT NULL,
      next_attempt_at ${int} NOT NULL,
      sent_at         ${int},
      last_error      TEXT
    );
    CREATE INDEX workflow_actions_pending ON workflow_actions (status, next_attempt_at);
    CREATE INDEX workflow_actions_profile ON workflow_actions (profile_id, due_at);
    CREATE INDEX workflow_actions_workflow ON workflow_actions (workflow_id, version, status);
    CREATE TABLE workflow_cursors (
      name TEXT PRIMARY KEY,
      seq  ${int} NOT NULL
    );`;
}

/**
 * Lifecycle workflows: definitions with versions, one row per run (its state as JSON), the re-entry guard (one
 * row per workflow, person and run key: the uniqueness that makes duplicate or concurrent triggers start at most
 * one run), durable timers, the path of each run, the action outbox, and the runtime's cursors on the membership
 * change log and the event log.
 */
export const migration0400: Migration = {
  id: 400,
  name: 'workflows',
  sqlite: ddl('INTEGER'),
  postgres: ddl('BIGINT'),
};
