import type { Migration } from './migration.js';

/**
 * Widens the (workspace, profile, seq) index on events with `name` and `type`, so that a backfill's scan in
 * profile order, which reads only the events its rules select, decides which rows to read from the index alone
 * instead of fetching every row of the table first (on SQLite, fetching rows by seq from a (profile, seq) walk
 * was most of a new segment's backfill time). It replaces the narrower index, whose every reader it serves as
 * well, rather than adding a second one that every append would pay for.
 */
export const migration0104: Migration = {
  id: 104,
  name: 'events profile seq name index',
  sqlite: `
    DROP INDEX IF EXISTS events_profile_seq;
    CREATE INDEX events_profile_seq ON events (workspace_id, profile_id, seq, name, type);
  `,
  postgres: `
    DROP INDEX IF EXISTS events_profile_seq;
    CREATE INDEX events_profile_seq ON events (workspace_id, profile_id, seq, name, type);
  `,
};
