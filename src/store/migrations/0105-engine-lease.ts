import type { Migration } from './migration.js';

/**
 * One writer engine at a time, and rules that follow segment edits made by other processes: `engine_leases`
 * holds who runs the engine of a cursor (holder, expiry, and a fencing epoch bumped at every takeover, checked by
 * each engine commit), and `segment_generation` is a counter bumped by every segment save or delete, which an
 * engine compares with the generation it compiled to know when to reload.
 */
export const migration0105: Migration = {
  id: 105,
  name: 'engine lease and segment generation',
  sqlite: `
    CREATE TABLE engine_leases (
      name TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      epoch INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );
    CREATE TABLE segment_generation (
      id INTEGER PRIMARY KEY,
      generation INTEGER NOT NULL
    );
    INSERT INTO segment_generation (id, generation) VALUES (1, 0);`,
  postgres: `
    CREATE TABLE engine_leases (
      name TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      epoch BIGINT NOT NULL,
      expires_at BIGINT NOT NULL
    );
    CREATE TABLE segment_generation (
      id INTEGER PRIMARY KEY,
      generation BIGINT NOT NULL
    );
    INSERT INTO segment_generation (id, generation) VALUES (1, 0);`,
};
