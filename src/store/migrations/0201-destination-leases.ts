import type { Migration } from './migration.js';

/**
 * A lease per destination, so that several segflow processes can run delivery workers against one database:
 * only the lease holder routes and sends a destination's deliveries (per-person order needs one sender), and a
 * dead holder's lease runs out so another process takes over.
 */
export const migration0201: Migration = {
  id: 201,
  name: 'destination-leases',
  sqlite: `
    ALTER TABLE destinations ADD COLUMN lease_owner TEXT;
    ALTER TABLE destinations ADD COLUMN lease_until INTEGER;`,
  postgres: `
    ALTER TABLE destinations ADD COLUMN lease_owner TEXT;
    ALTER TABLE destinations ADD COLUMN lease_until BIGINT;`,
};
