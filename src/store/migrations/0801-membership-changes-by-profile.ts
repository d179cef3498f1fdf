import type { Migration } from './migration.js';

const index = 'CREATE INDEX IF NOT EXISTS membership_changes_profile ON membership_changes (profile_id, seq);';

/**
 * The membership change log by profile. Erasure pseudonymises a person's rows and export lists them
 * (`profile_id IN (…)`); without this index both read the whole log, which grows with every entry and exit of
 * everyone. The price is one more index entry per change written (the engine's membership writes), measured in
 * docs/privacy.md; `seq` after `profile_id` gives export its order without a sort. Profile ids are unique across
 * workspaces, so the workspace is not needed in the key. On PostgreSQL the build takes a write lock on the table
 * for its duration (a migration runs in a transaction, where `CONCURRENTLY` is not allowed): on a large log, create
 * it by hand first with `CREATE INDEX CONCURRENTLY membership_changes_profile ON membership_changes (profile_id,
 * seq)` — `IF NOT EXISTS` then makes this migration a no-op (docs/operations.md).
 */
export const migration0801: Migration = {
  id: 801,
  name: 'membership changes by profile',
  sqlite: index,
  postgres: index,
};
