import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { stripNul } from '../internal/strip-nul.js';
import type { Row, SqlExecutor } from '../sql-executor.js';
import { postgresDialect } from './postgres-dialect.js';

/** The transaction a piece of async code runs in; `active` turns false once it commits or rolls back. */
interface TxScope {
  readonly owner: PostgresExecutor;
  readonly executor: SqlExecutor;
  active: boolean;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const JSON_OID = 114;
const JSONB_OID = 3802;

/**
 * Type parsers for this pool only (never pg's global registry, which other code in the process may rely on):
 * `bigint` and `numeric` as JS numbers (epoch-ms times, seqs and counts stay far below 2^53), JSON and jsonb
 * as raw text, as the {@link SqlExecutor} contract promises.
 */
function typeOverrides(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', (v: string) => Number(v));
  types.setTypeParser(NUMERIC_OID, 'text', (v: string) => Number(v));
  types.setTypeParser(JSON_OID, 'text', (v: string) => v);
  types.setTypeParser(JSONB_OID, 'text', (v: string) => v);
  return types;
}

/** A string or array parameter with NUL replaced (PostgreSQL's text cannot hold it; see `stripNul`). */
function cleanParam(value: unknown): unknown {
  if (typeof value === 'string') return stripNul(value);
  if (Array.isArray(value) && value.some((v) => typeof v === 'string' && v.includes('\0'))) return value.map(cleanParam);
  return value;
}

/** The parameters as node-postgres should get them. */
function clean(params: readonly unknown[] | undefined): unknown[] | undefined {
  return params?.map(cleanParam);
}

/** How to connect. */
export interface PostgresExecutorOptions {
  /** `postgres://user@host:port/db` */
  readonly url: string;
  /** Schema every connection uses (`search_path`); default `public`. Must exist before use. */
  readonly schema?: string;
  /** Pool size (default 10). */
  readonly max?: number;
  /**
   * Extra run-time parameters set on every connection at connect time, e.g. `{ statement_timeout: '30s' }`.
   * Names are lower-case identifiers; values letters, digits, `_`, `.`, `-`.
   */
  readonly settings?: Readonly<Record<string, string>>;
}

/** The `options` startup parameter: `-c name=value` for the schema and each extra setting. */
function startupOptions(schema: string, settings: Readonly<Record<string, string>>): string {
  const parts = [`-c search_path=${schema}`];
  for (const [name, value] of Object.entries(settings)) {
    if (!/^[a-z_][a-z0-9_.]*$/.test(name) || !/^[A-Za-z0-9_.-]+$/.test(value)) {
      throw new Error(`invalid PostgreSQL setting ${name}=${value}`);
    }
    parts.push(`-c ${name}=${value}`);
  }
  return parts.join(' ');
}

/** Postgres identifiers we accept for a schema name: no quoting games. */
export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}"`);
}

/**
 * {@link SqlExecutor} over a node-postgres pool. A transaction runs on one checked-out client; nested
 * `transaction` calls join it, both through the executor handed to `fn` and through this executor when
 * called from code running inside `fn` (AsyncLocalStorage). Statements outside a transaction use any pooled
 * client and autocommit. Every connection sets `search_path` to the configured schema at connect time.
 */
export class PostgresExecutor implements SqlExecutor {
  readonly dialect = postgresDialect;
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly scopes = new AsyncLocalStorage<TxScope>();
  private closed = false;

  constructor(options: PostgresExecutorOptions) {
    this.schema = options.schema ?? 'public';
    assertSchemaName(this.schema);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      types: typeOverrides(),
      // Sent in the startup packet, so the setting holds before the first query on every connection.
      options: startupOptions(this.schema, options.settings ?? {}),
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => {});
  }

  async query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    const scope = this.currentScope();
    const target = scope ? (scope as ClientScope).client : this.pool;
    const result = await target.query<R>(sql, clean(params));
    return result.rows;
  }

  async execute(sql: string, params?: readonly unknown[]): Promise<number> {
    const scope = this.currentScope();
    const target = scope ? (scope as ClientScope).client : this.pool;
    const result = await target.query(sql, clean(params));
    return result.rowCount ?? 0;
  }

  async script(sql: string): Promise<void> {
    // Without parameters node-postgres uses the simple query protocol, which accepts several statements.
    const scope = this.currentScope();
    await (scope ? (scope as ClientScope).client : this.pool).query(sql);
  }

  async transaction<T>(fn: (sql: SqlExecutor) => Promise<T>): Promise<T> {
    const outer = this.currentScope();
    if (outer) return fn(outer.executor);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    const scope = this.newScope(client);
    // A connection whose COMMIT or ROLLBACK failed may be unusable: discard it instead of pooling it.
    let discard: Error | undefined;
    try {
      const result = await this.scopes.run(scope, () => fn(scope.executor));
      scope.active = false;
      try {
        await client.query('COMMIT');
      } catch (error) {
        discard = error as Error;
        throw error;
      }
      return result;
    } catch (error) {
      if (scope.active) {
        scope.active = false;
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          discard = rollbackError as Error;
        }
      }
      throw error;
    } finally {
      client.release(discard);
    }
  }

  /** Waits for checked-out clients and closes the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private currentScope(): TxScope | undefined {
    const scope = this.scopes.getStore();
    return scope && scope.active && scope.owner === this ? scope : undefined;
  }

  private newScope(client: pg.PoolClient): ClientScope {
    const check = (): void => {
      if (!scope.active) throw new Error('this transaction has already committed or rolled back');
    };
    const executor: SqlExecutor = {
      dialect: postgresDialect,
      query: async <R extends Row = Row>(sql: string, params?: readonly unknown[]) => {
        check();
        return (await client.query<R>(sql, clean(params))).rows;
      },
      execute: async (sql, params) => {
        check();
        return (await client.query(sql, clean(params))).rowCount ?? 0;
      },
      script: async (sql) => {
        check();
        await client.query(sql);
      },
      transaction: async (fn) => {
        check();
        return fn(executor);
      },
    };
    const scope: ClientScope = { owner: this, executor, active: true, client };
    return scope;
  }
}

interface ClientScope extends TxScope {
  readonly client: pg.PoolClient;
}
