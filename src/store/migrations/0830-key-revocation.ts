import type { Migration } from './migration.js';

/**
 * Key revocation: a revoked key keeps its row (the audit log names it) with `revoked_at` set and no longer
 * authenticates; `name` is an operator's label. `auth_generation` is one counter bumped in the same transaction
 * as every revocation or removal of keys: each process compares it with the value its key cache was filled at,
 * so a key revoked through any process stops working at once everywhere (see `KeyAuthenticator`).
 */
export const migration0830: Migration = {
  id: 830,
  name: 'key-revocation',
  sqlite: `
    ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER;
    ALTER TABLE api_keys ADD COLUMN name TEXT;
    CREATE TABLE auth_generation (
      id     INTEGER PRIMARY KEY CHECK (id = 1),
      value  INTEGER NOT NULL
    );
    INSERT INTO auth_generation (id, value) VALUES (1, 1);
  `,
  postgres: `
    ALTER TABLE api_keys ADD COLUMN revoked_at bigint;
    ALTER TABLE api_keys ADD COLUMN name text;
    CREATE TABLE auth_generation (
      id     integer PRIMARY KEY CHECK (id = 1),
      value  bigint NOT NULL
    );
    INSERT INTO auth_generation (id, value) VALUES (1, 1);
  `,
};
