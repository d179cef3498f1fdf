import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../store.js';
import { createTestPostgresStore } from './create-test-postgres-store.js';
import { createTestSqliteStore } from './create-test-sqlite-store.js';

/** The backends a suite runs on. */
export type StoreKind = 'sqlite' | 'postgres';

/** Opens a fresh store of the given kind; the returned function disposes of it. */
export async function openTestStore(kind: StoreKind): Promise<{ store: Store; dispose(): Promise<void> }> {
  if (kind === 'postgres') return createTestPostgresStore();
  const store = await createTestSqliteStore();
  return { store, dispose: () => store.close() };
}

/**
 * Backends to test: both by default. `SEGFLOW_TEST_STORES=sqlite` (comma-separated) narrows the list, e.g. on
 * a machine without PostgreSQL; CI runs both, and a missing PostgreSQL then fails the suite instead of
 * skipping it silently.
 */
export function testStoreKinds(): StoreKind[] {
  const raw = process.env.SEGFLOW_TEST_STORES;
  if (!raw) return ['sqlite', 'postgres'];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is StoreKind => s === 'sqlite' || s === 'postgres');
}

/**
 * Registers the same vitest suite once per backend (`title (sqlite)`, `title (postgres)`). Each test gets a
 * fresh, migrated, empty store from `getStore()`, disposed of after the test.
 *
 * ```ts
 * describeEachStore('segment repo', (getStore) => {
 *   it('stores a segment', async () => {
 *     const repo = new SegmentRepoSql(getStore().sql);
 *     …
 *   });
 * });
 * ```
 */
export function describeEachStore(title: string, body: (getStore: () => Store, kind: StoreKind) => void): void {
  for (const kind of testStoreKinds()) {
    describe(`${title} (${kind})`, () => {
      let current: { store: Store; dispose(): Promise<void> } | undefined;
      beforeEach(async () => {
        current = await openTestStore(kind);
      });
      afterEach(async () => {
        const done = current;
        current = undefined;
        await done?.dispose();
      });
      body(() => {
        if (!current) throw new Error('getStore() is only available inside a test (beforeEach/it/afterEach)');
        return current.store;
      }, kind);
    });
  }
}
