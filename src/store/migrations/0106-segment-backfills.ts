import type { Migration } from './migration.js';

/**
 * Background, resumable backfills: one row per segment being recomputed over the stored history (the version
 * being backfilled, the change's cause, and the checkpoint: the last profile id done, in id order). A new save
 * of the segment replaces the row (a new `job_id`), which is how an edit supersedes a running backfill; the
 * engine advances `after_profile` in the same fenced transaction as the slice's membership changes, so a
 * `kill -9` resumes from the last committed slice. `done` / `total` count stored events (of the workspace, up to
 * `upto_seq`, the log position when the backfill's first slice ran) for progress.
 */
export const migration0106: Migration = {
  id: 106,
  name: 'segment backfills',
  sqlite: `
    CREATE TABLE segment_backfills (
      segment_id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      job_id TEXT NOT NULL,
      segment_version INTEGER NOT NULL,
      kind TEXT NOT NULL,
      cause TEXT NOT NULL,
      state TEXT NOT NULL,
      after_profile TEXT NOT NULL,
      done INTEGER NOT NULL,
      total INTEGER NOT NULL,
      upto_seq INTEGER NOT NULL,
      started_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX segment_backfills_state ON segment_backfills (state, workspace_id);`,
  postgres: `
    CREATE TABLE segment_backfills (
      segment_id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      job_id TEXT NOT NULL,
      segment_version BIGINT NOT NULL,
      kind TEXT NOT NULL,
      cause TEXT NOT NULL,
      state TEXT NOT NULL,
      after_profile TEXT NOT NULL,
      done BIGINT NOT NULL,
      total BIGINT NOT NULL,
      upto_seq BIGINT NOT NULL,
      started_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE INDEX segment_backfills_state ON segment_backfills (state, workspace_id);`,
};
