import type { Migration } from './migration.js';

/** Timers are loaded per profile when the engine rebuilds a profile's entry: index them by profile. */
export const migration0103: Migration = {
  id: 103,
  name: 'engine timers by profile',
  sqlite: 'CREATE INDEX engine_timers_profile ON engine_timers (profile_id);',
  postgres: 'CREATE INDEX engine_timers_profile ON engine_timers (profile_id);',
};
