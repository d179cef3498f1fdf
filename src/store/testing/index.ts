/**
 * @module
 * Test helpers for every area that persists something: fresh migrated stores on SQLite (temporary file) and
 * PostgreSQL (random schema, dropped afterwards), and {@link describeEachStore} to run one suite on both.
 * Import from tests only: `../store/testing/index.js`.
 */
export type { DisposableStore } from './create-test-postgres-store.js';
export { createTestPostgresStore, testDatabaseUrl } from './create-test-postgres-store.js';
export { createTestSqliteStore } from './create-test-sqlite-store.js';
export type { StoreKind } from './describe-each-store.js';
export { describeEachStore, openTestStore, testStoreKinds } from './describe-each-store.js';
