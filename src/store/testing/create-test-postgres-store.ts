import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore } from '../postgres/open-postgres-store.js';
import type { Store } from '../store.js';

/** The database tests use: `SEGFLOW_TEST_DATABASE_URL`, else the local `test` database. */
export function testDatabaseUrl(): string {
  return process.env.SEGFLOW_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A store for one test and the way to throw it away. */
export interface DisposableStore {
  readonly store: Store;
  /** Closes the store and drops its schema. Idempotent. */
  dispose(): Promise<void>;
}

/** A fresh random schema name, `segflow_test_<hex>`. */
export function randomSchemaName(): string {
  return `segflow_test_${randomBytes(6).toString('hex')}`;
}

/** Drops a test schema with everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated PostgreSQL store in its own random schema of the test database (see
 * {@link testDatabaseUrl}); `dispose()` closes it and drops the schema. The pool holds 4 connections unless
 * `poolSize` says otherwise.
 */
export async function createTestPostgresStore(options: { poolSize?: number } = {}): Promise<DisposableStore> {
  const url = testDatabaseUrl();
  const schema = randomSchemaName();
  let store: Store;
  try {
    // Tests need isolation, not durability: skipping the WAL flush at each commit makes set-up (a transaction
    // per migration) several times faster.
    store = await openPostgresStore({ url, schema, poolSize: options.poolSize ?? 4, settings: { synchronous_commit: 'off' } });
  } catch (error) {
    await dropSchema(url, schema).catch(() => {});
    throw error;
  }
  let disposed = false;
  return {
    store,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await store.close();
      await dropSchema(url, schema);
    },
  };
}
