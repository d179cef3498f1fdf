import type { Migration } from './migration.js';

/**
 * Makes the profile → identities index covering and ordered as profile reads want it. Without table
 * statistics, SQLite preferred a range scan of the `identities` primary key on `workspace_id` alone over the
 * narrower `(workspace_id, profile_id)` index (the primary key needs no lookup back into the table), so every
 * profile read scanned all identities of the workspace: ingestion slowed to under 1,000 events/s at a few
 * thousand profiles. Covering `first_seen_at, kind, value` makes the index the cheapest plan outright.
 */
export const migration0002: Migration = {
  id: 2,
  name: 'covering identity index',
  sqlite: `
    DROP INDEX identities_profile;
    CREATE INDEX identities_profile ON identities (workspace_id, profile_id, first_seen_at, kind, value);
  `,
  postgres: `
    DROP INDEX identities_profile;
    CREATE INDEX identities_profile ON identities (workspace_id, profile_id, first_seen_at, kind, value);
  `,
};
