import type { Migration } from './migration.js';

/**
 * Current members and the membership change log (the outbox). `seq` is the change's position; on PostgreSQL
 * appenders take a transaction-scoped advisory lock (as the event log does) so that seqs commit in order and the
 * log is gap-free for readers.
 */
export const migration0101: Migration = {
  id: 101,
  name: 'membership',
  sqlite: `
    CREATE TABLE segment_members (
      segment_id TEXT NOT NULL,
      profile_id TEXT NOT NULL,
      workspace_id TEXT NOT NULL,
      since INTEGER NOT NULL,
      PRIMARY KEY (segment_id, profile_id)
    );
    CREATE INDEX segment_members_profile ON segment_members (profile_id);
    CREATE TABLE membership_changes (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      workspace_id TEXT NOT NULL,
      segment_id TEXT NOT NULL,
      segment_version INTEGER NOT NULL,
      profile_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      at INTEGER NOT NULL,
      recorded_at INTEGER NOT NULL,
      cause TEXT NOT NULL
    );
    CREATE INDEX membership_changes_ws ON membership_changes (workspace_id, seq);`,
  postgres: `
    CREATE TABLE segment_members (
      segment_id TEXT NOT NULL,
      profile_id TEXT NOT NULL,
      workspace_id TEXT NOT NULL,
      since BIGINT NOT NULL,
      PRIMARY KEY (segment_id, profile_id)
    );
    CREATE INDEX segment_members_profile ON segment_members (profile_id);
    CREATE TABLE membership_changes (
      seq BIGSERIAL PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      segment_id TEXT NOT NULL,
      segment_version INTEGER NOT NULL,
      profile_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      at BIGINT NOT NULL,
      recorded_at BIGINT NOT NULL,
      cause TEXT NOT NULL
    );
    CREATE INDEX membership_changes_ws ON membership_changes (workspace_id, seq);`,
};
