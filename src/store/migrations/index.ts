/**
 * @module
 * Every migration of every area, in one list. Add a file `NNNN-name.ts` exporting a {@link Migration} and one
 * line here.
 */
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** All migrations, in id order. */
export const migrations: readonly Migration[] = [];
