import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedMigrations } from '../migrate.js';
import { migrations } from '../migrations/index.js';
import type { Store } from '../store.js';
import { testDatabaseUrl, testStoreKinds } from '../testing/index.js';
import { dropSchema, randomSchemaName } from '../testing/create-test-postgres-store.js';
import { openPostgresStore } from './open-postgres-store.js';

describe.runIf(testStoreKinds().includes('postgres'))('openPostgresStore', () => {
  const url = testDatabaseUrl();
  const opened: Store[] = [];
  const schemas: string[] = [];

  async function open(schema: string): Promise<Store> {
    const store = await openPostgresStore({ url, schema, poolSize: 2 });
    opened.push(store);
    return store;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await Promise.all(schemas.splice(0).map((s) => dropSchema(url, s)));
  });

  it('migrates a new schema exactly once when several processes open it at the same moment', async () => {
    const schema = randomSchemaName();
    schemas.push(schema);
    const stores = await Promise.all([open(schema), open(schema), open(schema)]);
    const expected = migrations.map((m) => m.id).sort((a, b) => a - b);
    for (const store of stores) expect(await appliedMigrations(store.sql)).toEqual(expected);
    const rows = await stores[0]!.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe(expected.length);
  });

  it('keeps stores in different schemas of one database apart', async () => {
    const [a, b] = [randomSchemaName(), randomSchemaName()];
    schemas.push(a, b);
    const storeA = await open(a);
    const storeB = await open(b);
    await storeA.workspaces.ensureDefault(1);
    expect(await storeA.workspaces.get('ws_default')).toBeDefined();
    expect(await storeB.workspaces.get('ws_default')).toBeUndefined();
  });

  it('returns 64-bit integers as numbers and JSON as text without touching pg’s global parsers', async () => {
    const schema = randomSchemaName();
    schemas.push(schema);
    const store = await open(schema);
    const [row] = await store.sql.query(
      `SELECT 9007199254740991::bigint AS big, COUNT(*) AS n, 1.5::numeric AS num, '{"a":[1,2]}'::jsonb AS doc
       FROM (VALUES (1)) v`,
    );
    expect(row).toEqual({ big: 9007199254740991, n: 1, num: 1.5, doc: '{"a": [1, 2]}' });
    const plain = new pg.Client({ connectionString: url });
    await plain.connect();
    try {
      const { rows } = await plain.query('SELECT 5::bigint AS big');
      expect(rows[0]).toEqual({ big: '5' });
    } finally {
      await plain.end();
    }
  });

  it('applies extra connection settings and refuses values that could smuggle in other options', async () => {
    const schema = randomSchemaName();
    schemas.push(schema);
    const store = await openPostgresStore({ url, schema, poolSize: 1, settings: { statement_timeout: '12345' } });
    opened.push(store);
    expect(await store.sql.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '12345ms' }]);
    await expect(openPostgresStore({ url, schema, settings: { work_mem: '4MB -c fsync=off' } })).rejects.toThrow(/invalid PostgreSQL setting/);
  });

  it('opens an existing schema as a role that may not create schemas (least privilege in production)', async () => {
    const schema = randomSchemaName();
    const role = `${schema}_role`;
    const password = randomBytes(12).toString('hex');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await admin.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
      const restricted = new URL(url);
      restricted.username = role;
      restricted.password = password;
      const store = await openPostgresStore({ url: restricted.toString(), schema, poolSize: 1 });
      try {
        expect(await store.ping()).toBe(true);
        expect((await store.workspaces.ensureDefault(1)).id).toBe('ws_default');
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });

  it('takes the schema from a schema parameter of the URL', async () => {
    const schema = randomSchemaName();
    schemas.push(schema);
    const withSchema = new URL(url);
    withSchema.searchParams.set('schema', schema);
    const store = await openPostgresStore({ url: withSchema.toString(), poolSize: 1 });
    opened.push(store);
    expect(await store.sql.query('SELECT current_schema() AS s')).toEqual([{ s: schema }]);
  });

  it('refuses a schema name that would need quoting', async () => {
    await expect(openPostgresStore({ url, schema: 'bad; DROP TABLE x' })).rejects.toThrow(/invalid PostgreSQL schema/);
  });
});
