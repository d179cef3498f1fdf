import type { Migration } from './migration.js';

const tables = (int: string): string => `
    CREATE TABLE erasures (
      id            TEXT PRIMARY KEY,
      workspace_id  TEXT NOT NULL,
      kind          TEXT NOT NULL,
      status        TEXT NOT NULL,
      profile_ids   TEXT NOT NULL,
      pseudonym     TEXT NOT NULL,
      exit_seq      ${int},
      profiles      INTEGER NOT NULL DEFAULT 0,
      exits         INTEGER NOT NULL DEFAULT 0,
      identifiers   INTEGER NOT NULL DEFAULT 0,
      deleted       TEXT NOT NULL DEFAULT '{}',
      detail        TEXT,
      created_at    ${int} NOT NULL,
      updated_at    ${int} NOT NULL,
      deadline_at   ${int} NOT NULL,
      completed_at  ${int}
    );
    CREATE INDEX erasures_ws ON erasures (workspace_id, created_at);
    CREATE INDEX erasures_status ON erasures (status);
    CREATE TABLE erasure_tombstones (
      workspace_id  TEXT NOT NULL,
      hash          TEXT NOT NULL,
      erasure_id    TEXT NOT NULL,
      suppress      INTEGER NOT NULL,
      dropped       ${int} NOT NULL DEFAULT 0,
      created_at    ${int} NOT NULL,
      PRIMARY KEY (workspace_id, hash)
    );
    CREATE INDEX erasure_tombstones_erasure ON erasure_tombstones (erasure_id);`;

/**
 * Erasure requests (GDPR Art. 17 / CCPA deletion) and the tombstones they leave: only SHA-256 hashes of the
 * erased person's identifiers, so that later events naming them can be recognised and dropped at ingestion
 * (suppression) without keeping the identifiers themselves. `profile_ids` holds segflow's opaque profile ids only
 * while the erasure runs; it is emptied when it completes. See docs/privacy.md.
 */
export const migration0800: Migration = {
  id: 800,
  name: 'erasures and tombstones',
  sqlite: tables('INTEGER'),
  postgres: tables('BIGINT'),
};
