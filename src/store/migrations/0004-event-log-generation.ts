import type { Migration } from './migration.js';

/**
 * The event log's rewrite generation: one counter that every UPDATE or DELETE of an `events` row bumps, by
 * trigger, in the same transaction (an identity merge re-pointing events, an erasure, retention). Appends do not
 * touch it. The store's in-memory log tail (`LogTail`, src/store/repos/log-tail.ts) keeps the rows it read for the
 * log's other followers and trusts them only while this value is unchanged, so no writer — whatever process,
 * thread or code path — can make it serve a row that differs from the table. A trigger rather than a bump in
 * each rewriting repository, because erasure and retention delete through generic SQL that no repository sees.
 *
 * SQLite only: the tail serves the embedded store. On PostgreSQL a counter row updated by every merging
 * transaction would serialise them across processes, for a cache that store does not use; nothing is created.
 */
export const migration0004: Migration = {
  id: 4,
  name: 'event log generation',
  sqlite: `
    CREATE TABLE event_log_generation (
      id     INTEGER PRIMARY KEY CHECK (id = 1),
      value  INTEGER NOT NULL
    );
    INSERT INTO event_log_generation (id, value) VALUES (1, 0);
    CREATE TRIGGER events_rewritten AFTER UPDATE ON events
    BEGIN
      UPDATE event_log_generation SET value = value + 1 WHERE id = 1;
    END;
    CREATE TRIGGER events_deleted AFTER DELETE ON events
    BEGIN
      UPDATE event_log_generation SET value = value + 1 WHERE id = 1;
    END;
  `,
  postgres: 'SELECT 1;',
};
