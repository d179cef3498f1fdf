import type { Migration } from './migration.js';

/**
 * The event log partitioned by profile (see `EventRepoSql`): `event_partitions` holds one row per partition,
 * whose row lock serialises the appends of that partition only and whose `head` counts the partition's own
 * gap-free sequence (`events.part_seq` on PostgreSQL); `events.part` says which partition an event was appended
 * to, `engine_timers.part` which partition's engine owns a timer.
 *
 * The number of partitions is fixed when the database is created: 16 on a new PostgreSQL database, 1 on a
 * PostgreSQL database that already holds events when it is upgraded (its events all sit in partition 0, and
 * re-homing stored events is not supported), and always 1 on SQLite, whose single writer gains nothing from more.
 */
export const migration0110: Migration = {
  id: 110,
  name: 'event log partitions',
  sqlite: `
    CREATE TABLE event_partitions (
      part INTEGER PRIMARY KEY,
      head INTEGER NOT NULL
    );
    INSERT INTO event_partitions (part, head) VALUES (0, 0);
    ALTER TABLE events ADD COLUMN part INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE engine_timers ADD COLUMN part INTEGER NOT NULL DEFAULT 0;`,
  postgres: `
    CREATE TABLE event_partitions (
      part integer PRIMARY KEY,
      head bigint NOT NULL
    );
    INSERT INTO event_partitions (part, head)
      SELECT g, CASE WHEN g = 0 THEN (SELECT COALESCE(MAX(seq), 0) FROM events) ELSE 0 END
      FROM generate_series(0, CASE WHEN EXISTS (SELECT 1 FROM events) THEN 0 ELSE 15 END) AS g;
    ALTER TABLE events ADD COLUMN part integer NOT NULL DEFAULT 0, ADD COLUMN part_seq bigint;
    UPDATE events SET part_seq = seq;
    ALTER TABLE events ALTER COLUMN part_seq SET NOT NULL;
    CREATE UNIQUE INDEX events_part_seq ON events (part, part_seq);
    CREATE INDEX events_part_global_seq ON events (part, seq);
    ALTER TABLE engine_timers ADD COLUMN part integer NOT NULL DEFAULT 0;
    CREATE INDEX engine_timers_part_due ON engine_timers (part, due_at);`,
};
