import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { AsyncMutex } from '../internal/async-mutex.js';
import { stripNul } from '../internal/strip-nul.js';
import type { Row, SqlExecutor } from '../sql-executor.js';
import type { CachedStatement } from './statement-cache.js';
import { StatementCache } from './statement-cache.js';
import { sqliteDialect } from './sqlite-dialect.js';

/** The transaction a piece of async code runs in; `active` turns false once it commits or rolls back. */
interface TxScope {
  readonly owner: SqliteExecutor;
  readonly executor: SqlExecutor;
  active: boolean;
}

/**
 * better-sqlite3 binds neither booleans nor `undefined`; map them to what the SQL contract promises. NUL in
 * strings becomes U+FFFD, as PostgreSQL requires, so that both backends store the same thing.
 */
function bindable(value: unknown): unknown {
  if (typeof value === 'string') return stripNul(value);
  return value === undefined ? null : typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** The positional values for a statement: the caller's array as it is when that is already right. */
function bind(entry: CachedStatement, params: readonly unknown[] | undefined): unknown[] {
  if (!params || params.length === 0) return [];
  const { order } = entry;
  if (order === null) {
    let clean = true;
    for (const v of params) {
      if (v === undefined || typeof v === 'boolean' || (typeof v === 'string' && v.includes('\0'))) {
        clean = false;
        break;
      }
    }
    return clean ? (params as unknown[]) : params.map(bindable);
  }
  return order.map((i) => bindable(params[i]));
}

function runQuery<R extends Row>(cache: StatementCache, sql: string, params?: readonly unknown[]): R[] {
  const entry = cache.get(sql);
  const values = bind(entry, params);
  if (!entry.statement.reader) {
    entry.statement.run(...values);
    return [];
  }
  return entry.statement.all(...values) as R[];
}

function runExecute(cache: StatementCache, sql: string, params?: readonly unknown[]): number {
  const entry = cache.get(sql);
  const values = bind(entry, params);
  if (entry.statement.reader) return entry.statement.all(...values).length;
  return entry.statement.run(...values).changes;
}

function runInsertEach(cache: StatementCache, sql: string, rows: ReadonlyArray<readonly unknown[]>): Array<number | null> {
  const entry = cache.get(sql);
  const out = new Array<number | null>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const result = entry.statement.run(...bind(entry, rows[i]));
    out[i] = result.changes > 0 ? Number(result.lastInsertRowid) : null;
  }
  return out;
}

/**
 * {@link SqlExecutor} over better-sqlite3 (synchronous; the async API keeps the repositories dialect-neutral).
 *
 * SQLite has a single writer, and this executor has a single write connection, so transactions are queued
 * on an async mutex and run `BEGIN IMMEDIATE … COMMIT` one at a time; statements outside a transaction queue
 * behind them too, because on a shared connection they would otherwise silently become part of whichever
 * transaction happens to be open. Read-only statements outside a transaction go to an optional second,
 * read-only connection (WAL lets it read the last committed state while a write transaction is open).
 *
 * Nested `transaction` calls join the outer one: through the executor handed to `fn`, and also through this
 * executor itself when called from code running inside `fn` (tracked with AsyncLocalStorage), so a helper
 * that opens its own transaction composes with a caller that already has one instead of deadlocking.
 */
export class SqliteExecutor implements SqlExecutor {
  readonly dialect = sqliteDialect;
  private readonly mutex = new AsyncMutex();
  private readonly scopes = new AsyncLocalStorage<TxScope>();
  private readonly writes: StatementCache;
  private readonly reads: StatementCache | undefined;
  private closed = false;

  /**
   * @param writer the read-write connection, already configured (see `configureSqlite`).
   * @param reader an optional read-only connection to the same file, for reads outside transactions.
   */
  constructor(
    private readonly writer: Database.Database,
    private readonly reader?: Database.Database,
  ) {
    this.writes = new StatementCache(writer);
    this.reads = reader ? new StatementCache(reader) : undefined;
  }

  async query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]> {
    if (this.currentScope()) return runQuery<R>(this.writes, sql, params);
    if (this.reads && this.reads.get(sql).statement.readonly) return runQuery<R>(this.reads, sql, params);
    return this.exclusively(() => runQuery<R>(this.writes, sql, params));
  }

  async execute(sql: string, params?: readonly unknown[]): Promise<number> {
    if (this.currentScope()) return runExecute(this.writes, sql, params);
    return this.exclusively(() => runExecute(this.writes, sql, params));
  }

  async script(sql: string): Promise<void> {
    if (this.currentScope()) {
      this.writer.exec(sql);
      return;
    }
    await this.exclusively(() => this.writer.exec(sql));
  }

  async transaction<T>(fn: (sql: SqlExecutor) => Promise<T>): Promise<T> {
    const outer = this.currentScope();
    if (outer) return fn(outer.executor);
    const release = await this.mutex.acquire();
    try {
      this.assertOpen();
      const scope = this.newScope();
      this.writes.get('BEGIN IMMEDIATE').statement.run();
      let result: T;
      try {
        result = await this.scopes.run(scope, () => fn(scope.executor));
      } catch (error) {
        scope.active = false;
        if (this.writer.inTransaction) this.writes.get('ROLLBACK').statement.run();
        throw error;
      }
      scope.active = false;
      try {
        this.writes.get('COMMIT').statement.run();
      } catch (error) {
        if (this.writer.inTransaction) this.writes.get('ROLLBACK').statement.run();
        throw error;
      }
      return result;
    } finally {
      release();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.currentScope()) throw new Error('exclusive() inside a transaction of the same executor would never get the write lock');
    const release = await this.mutex.acquire();
    try {
      this.assertOpen();
      return await fn();
    } finally {
      release();
    }
  }

  async insertEach(sql: string, rows: ReadonlyArray<readonly unknown[]>): Promise<Array<number | null>> {
    if (this.currentScope()) return runInsertEach(this.writes, sql, rows);
    return this.exclusively(() => runInsertEach(this.writes, sql, rows));
  }

  inTransaction(): boolean {
    return this.currentScope() !== undefined;
  }

  /** Waits for the running transaction, then closes the connections (after `PRAGMA optimize`). */
  async close(): Promise<void> {
    if (this.closed) return;
    const release = await this.mutex.acquire();
    try {
      this.closed = true;
      try {
        this.writer.pragma('optimize');
      } catch {
        // Best effort: a read-only or failing database still closes.
      }
      this.reader?.close();
      this.writer.close();
    } finally {
      release();
    }
  }

  private currentScope(): TxScope | undefined {
    const scope = this.scopes.getStore();
    return scope && scope.active && scope.owner === this ? scope : undefined;
  }

  private async exclusively<T>(run: () => T): Promise<T> {
    const release = await this.mutex.acquire();
    try {
      this.assertOpen();
      return run();
    } finally {
      release();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the SQLite store is closed');
  }

  private newScope(): TxScope {
    const check = (): void => {
      if (!scope.active) throw new Error('this transaction has already committed or rolled back');
    };
    const executor: SqlExecutor = {
      dialect: sqliteDialect,
      query: async <R extends Row = Row>(sql: string, params?: readonly unknown[]) => {
        check();
        return runQuery<R>(this.writes, sql, params);
      },
      execute: async (sql, params) => {
        check();
        return runExecute(this.writes, sql, params);
      },
      insertEach: async (sql, rows) => {
        check();
        return runInsertEach(this.writes, sql, rows);
      },
      inTransaction: () => true,
      script: async (sql) => {
        check();
        this.writer.exec(sql);
      },
      transaction: async (fn) => {
        check();
        return fn(executor);
      },
    };
    const scope: TxScope = { owner: this, executor, active: true };
    return scope;
  }
}
