import type { Migration } from './migration.js';

/**
 * Predictions (src/predict): the latest score per profile × model (a read model of the `score` events segflow
 * appends to the log; the log stays the truth the engine reads), the trained models with their evaluation, and
 * the live rescorer's cursor in the event log.
 */
export const migration0500: Migration = {
  id: 500,
  name: 'predict',
  sqlite: `
    CREATE TABLE profile_scores (
      workspace_id   TEXT NOT NULL,
      model          TEXT NOT NULL,
      profile_id     TEXT NOT NULL,
      value          REAL NOT NULL,
      model_version  TEXT NOT NULL,
      scored_at      INTEGER NOT NULL,
      seq            INTEGER NOT NULL,
      PRIMARY KEY (workspace_id, model, profile_id)
    );
    CREATE INDEX profile_scores_profile ON profile_scores (workspace_id, profile_id);
    CREATE TABLE predict_models (
      workspace_id  TEXT NOT NULL,
      name          TEXT NOT NULL,
      version       INTEGER NOT NULL,
      kind          TEXT NOT NULL,
      body          TEXT NOT NULL,
      created_at    INTEGER NOT NULL,
      PRIMARY KEY (workspace_id, name, version)
    );
    CREATE TABLE predict_cursors (
      name  TEXT PRIMARY KEY,
      seq   INTEGER NOT NULL
    );
  `,
  postgres: `
    CREATE TABLE profile_scores (
      workspace_id   TEXT NOT NULL,
      model          TEXT NOT NULL,
      profile_id     TEXT NOT NULL,
      value          DOUBLE PRECISION NOT NULL,
      model_version  TEXT NOT NULL,
      scored_at      BIGINT NOT NULL,
      seq            BIGINT NOT NULL,
      PRIMARY KEY (workspace_id, model, profile_id)
    );
    CREATE INDEX profile_scores_profile ON profile_scores (workspace_id, profile_id);
    CREATE TABLE predict_models (
      workspace_id  TEXT NOT NULL,
      name          TEXT NOT NULL,
      version       INTEGER NOT NULL,
      kind          TEXT NOT NULL,
      body          TEXT NOT NULL,
      created_at    BIGINT NOT NULL,
      PRIMARY KEY (workspace_id, name, version)
    );
    CREATE TABLE predict_cursors (
      name  TEXT PRIMARY KEY,
      seq   BIGINT NOT NULL
    );
  `,
};
