import type { SqlDialect } from './sql-dialect.js';

/** A row as returned by the database: column name → value. */
export type Row = Record<string, unknown>;

/**
 * A small dialect-neutral SQL executor, so that a repository written once runs on both backends.
 *
 * Placeholders are `$1, $2, …` on both dialects (the SQLite adapter rewrites them and caches the prepared
 * statement by its text). Write SQL that both SQLite ≥ 3.35 and PostgreSQL ≥ 13 accept:
 * `INSERT … ON CONFLICT … DO NOTHING/UPDATE`, `RETURNING`, `COALESCE`, `LIMIT`. Values: numbers (64-bit
 * integer columns come back as JS numbers on both), strings, null; JSON is passed and returned as text
 * (`JSON.stringify` / `JSON.parse` at the repository edge); booleans as 0/1 integers. NUL characters in
 * string parameters are stored as U+FFFD on both (PostgreSQL cannot store NUL). The SQLite adapter does not
 * treat `$N` inside single-quoted literals as a placeholder.
 */
export interface SqlExecutor {
  /** What the backend's SQL differs in: repositories ask it instead of branching on the backend. */
  readonly dialect: SqlDialect;
  /** Runs a statement that returns rows. */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a statement and returns how many rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Runs several `;`-separated statements without parameters (migrations, DDL). Not for the hot path:
   * nothing is cached.
   */
  script(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction (nested calls join the outer one). Resolving commits, rejecting rolls back;
   * once it resolves the writes survive a process crash.
   */
  transaction<T>(fn: (sql: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while this executor's write connection is idle and stays idle: no transaction or write of this
   * executor starts until `fn` settles (it queues like a transaction). For handing the database's write lock
   * to another connection of the same process — SQLite's ingestion writer thread — without the two connections
   * ever waiting on each other's file lock (better-sqlite3 would block the whole thread). Absent on backends
   * whose connections wait for each other without blocking a thread (PostgreSQL). Throws when called inside a
   * transaction of this executor (the other connection could never get the lock).
   */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Whether the calling async context is inside a transaction of this executor (its reads then see that
   * transaction's uncommitted writes). Lets a cache of committed rows stay out of transactions; absent on
   * executors that never offer such a cache.
   */
  inTransaction?(): boolean;
  /**
   * Runs one INSERT once per row of parameters and returns, per row, the rowid it inserted or null when it
   * inserted nothing (`ON CONFLICT … DO NOTHING`). For appending many rows with a prepared statement without a
   * promise per row; absent where one multi-row statement is the better form (PostgreSQL).
   */
  insertEach?(sql: string, rows: ReadonlyArray<readonly unknown[]>): Promise<Array<number | null>>;
}
