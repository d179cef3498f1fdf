import type { Migration } from './migration.js';

/**
 * Background backfills in a cluster: one checkpoint per (segment, partition). `segment_backfills.parts` says how
 * the job is run: 0 by the single engine from the row's own checkpoint (migration 0106), N > 0 by the engine of
 * each of the log's N partitions from its row in `segment_backfill_parts`. A save writes the job row and its N part
 * rows in one transaction (same `job_id`; a new save replaces them all); each partition's engine advances its own
 * part row in the same transaction, fenced by its lease, as the slice's membership changes, so a `kill -9` of its
 * process resumes from there on whichever process takes the partition over. The job row turns `done` in the
 * transaction of the last part to finish. `done` / `total` count the partition's stored events (up to `upto_seq`,
 * that partition engine's cursor at its first slice); the API sums them.
 */
export const migration0107: Migration = {
  id: 107,
  name: 'segment backfill parts',
  sqlite: `
    ALTER TABLE segment_backfills ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE segment_backfill_parts (
      segment_id TEXT NOT NULL,
      part INTEGER NOT NULL,
      job_id TEXT NOT NULL,
      state TEXT NOT NULL,
      after_profile TEXT NOT NULL,
      done INTEGER NOT NULL,
      total INTEGER NOT NULL,
      upto_seq INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (segment_id, part)
    );
    CREATE INDEX segment_backfill_parts_part ON segment_backfill_parts (part, state);`,
  postgres: `
    ALTER TABLE segment_backfills ADD COLUMN parts integer NOT NULL DEFAULT 0;
    CREATE TABLE segment_backfill_parts (
      segment_id TEXT NOT NULL,
      part integer NOT NULL,
      job_id TEXT NOT NULL,
      state TEXT NOT NULL,
      after_profile TEXT NOT NULL,
      done BIGINT NOT NULL,
      total BIGINT NOT NULL,
      upto_seq BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (segment_id, part)
    );
    CREATE INDEX segment_backfill_parts_part ON segment_backfill_parts (part, state);`,
};
