import pg from 'pg';
import { SqlStore } from '../sql-store.js';
import type { Store } from '../store.js';
import { assertSchemaName, PostgresExecutor } from './postgres-executor.js';

/** Where to find the database. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`, optionally with `?schema=name` (see `schema`). */
  readonly url: string;
  /** Schema holding segflow's tables (created if missing); default the URL's `schema` parameter, else `public`. */
  readonly schema?: string;
  /** Connection pool size (default 10). */
  readonly poolSize?: number;
  /** Extra run-time parameters for every connection (see `PostgresExecutorOptions.settings`). */
  readonly settings?: Readonly<Record<string, string>>;
  /** Apply pending migrations on open (default true; `false` for tools that only inspect, e.g. `migrate --status`). */
  readonly migrate?: boolean;
}

/**
 * Splits segflow's own `schema` parameter off a connection URL (node-postgres would send it to the server as
 * an unknown setting), so one `SEGFLOW_DATABASE_URL` can say where the tables live.
 */
export function splitSchemaParam(url: string): { url: string; schema: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, schema: undefined };
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema === undefined) return { url, schema };
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}

/** Opens the PostgreSQL store: creates the schema if needed and applies pending migrations. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { url, schema: fromUrl } = splitSchemaParam(options.url);
  const schema = options.schema ?? fromUrl ?? 'public';
  assertSchemaName(schema);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // Look first: CREATE SCHEMA needs the CREATE privilege on the database even when the schema exists, which
    // a least-privilege production role usually lacks.
    const found = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (found.rowCount === 0) await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (error) {
    // Two processes creating the same schema at once: the loser sees a unique violation; the schema exists.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await admin.end();
  }
  const store = new SqlStore(new PostgresExecutor({ url, schema, max: options.poolSize, settings: options.settings }));
  try {
    if (options.migrate !== false) await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
