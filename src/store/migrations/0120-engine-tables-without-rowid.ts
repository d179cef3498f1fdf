import type { Migration } from './migration.js';

/**
 * SQLite: the timer and member tables become `WITHOUT ROWID` tables clustered on their primary key, so that each
 * row lives in one B-tree fewer. A fired timer deletes its timer row and its member row (or inserts it) and appends
 * a change: nine B-tree updates per timer before (timers: rowid table, primary key, due index, profile index;
 * members: rowid table, primary key, profile index; changes: table, workspace index), six now (timers: the
 * table keyed by (profile, segment), which also serves the by-profile reads, and the due index; members: the
 * table keyed by (segment, profile) and the profile index; changes unchanged). What that buys is measured in
 * docs/engine.md ("Timer storm"). The price: dropping every timer of one segment (`deleteSegment`, after a
 * backfill) scans the timer table instead of a primary-key range; it is rare.
 *
 * PostgreSQL has no rowid (its heap plus the same indexes); the statement there only documents the no-op.
 */
export const migration0120: Migration = {
  id: 120,
  name: 'engine timers and members without rowid',
  sqlite: `
    CREATE TABLE engine_timers_v2 (
      profile_id TEXT NOT NULL,
      segment_id TEXT NOT NULL,
      workspace_id TEXT NOT NULL,
      due_at INTEGER NOT NULL,
      part INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (profile_id, segment_id)
    ) WITHOUT ROWID;
    INSERT INTO engine_timers_v2 (profile_id, segment_id, workspace_id, due_at, part)
      SELECT profile_id, segment_id, workspace_id, due_at, part FROM engine_timers;
    DROP TABLE engine_timers;
    ALTER TABLE engine_timers_v2 RENAME TO engine_timers;
    CREATE INDEX engine_timers_due ON engine_timers (due_at);
    CREATE TABLE segment_members_v2 (
      segment_id TEXT NOT NULL,
      profile_id TEXT NOT NULL,
      workspace_id TEXT NOT NULL,
      since INTEGER NOT NULL,
      PRIMARY KEY (segment_id, profile_id)
    ) WITHOUT ROWID;
    INSERT INTO segment_members_v2 (segment_id, profile_id, workspace_id, since)
      SELECT segment_id, profile_id, workspace_id, since FROM segment_members;
    DROP TABLE segment_members;
    ALTER TABLE segment_members_v2 RENAME TO segment_members;
    CREATE INDEX segment_members_profile ON segment_members (profile_id);`,
  postgres: `SELECT 1; -- no rowid on PostgreSQL: nothing to change`,
};
