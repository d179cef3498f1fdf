import type { Migration } from './migration.js';

/**
 * Segment size history, derived from the membership change log by the monitor: one row per segment,
 * resolution (`hour` | `day`) and bucket start (UTC) with the size at the end of the bucket and the entries and
 * exits recorded in it; the running size of every segment with the instant of its last change; and the change-log cursor the history covers.
 */
export const migration0701: Migration = {
  id: 701,
  name: 'size-history',
  sqlite: `CREATE TABLE segment_size_buckets (
  segment_id TEXT NOT NULL,
  resolution TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  workspace_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  entered INTEGER NOT NULL,
  exited INTEGER NOT NULL,
  PRIMARY KEY (segment_id, resolution, bucket_start)
);
CREATE TABLE segment_size_current (
  segment_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  size INTEGER NOT NULL,
  last_change_at INTEGER NOT NULL
);
CREATE TABLE monitor_cursors (
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL
);`,
  postgres: `CREATE TABLE segment_size_buckets (
  segment_id TEXT NOT NULL,
  resolution TEXT NOT NULL,
  bucket_start BIGINT NOT NULL,
  workspace_id TEXT NOT NULL,
  size BIGINT NOT NULL,
  entered BIGINT NOT NULL,
  exited BIGINT NOT NULL,
  PRIMARY KEY (segment_id, resolution, bucket_start)
);
CREATE TABLE segment_size_current (
  segment_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  size BIGINT NOT NULL,
  last_change_at BIGINT NOT NULL
);
CREATE TABLE monitor_cursors (
  name TEXT PRIMARY KEY,
  seq BIGINT NOT NULL
);`,
};
