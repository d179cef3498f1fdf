import type { SqlExecutor } from './sql-executor.js';

/** The backends segflow runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** The SQL type of a column of a {@link SqlDialect.rowSet}. */
export type RowSetType = 'text' | 'bigint';

/** A table bound as parameters: SQL to use as a FROM item and the parameter values it needs. */
export interface BoundRowSet {
  /** A parenthesised subquery with the named columns (and `idx`, the row's 0-based position, when asked for). */
  readonly sql: string;
  readonly params: unknown[];
}

/**
 * Everything the SQL of the two backends differs in, so that a repository is written once on a
 * {@link SqlExecutor} and asks its `dialect` instead of branching on the backend's name (Kysely keeps one
 * query compiler per dialect for the same reason). Each backend has exactly one dialect object:
 * `sqlite/sqlite-dialect.ts` and `postgres/postgres-dialect.ts`.
 *
 * Lists and row sets are bound as a constant number of parameters so that a statement's text, and so its
 * prepared statement, does not change with the list's length.
 */
export interface SqlDialect {
  readonly name: DialectName;
  /**
   * A membership test of `column` against a list of strings bound as the ONE parameter `$param`
   * (`IN (SELECT value FROM json_each($n))` on SQLite, `= ANY($n::text[])` on PostgreSQL). Pair it with
   * {@link SqlDialect.listParam}.
   */
  inList(column: string, param: number): string;
  /** The parameter value for {@link SqlDialect.inList}. */
  listParam(values: readonly string[]): unknown;
  /** A one-column list of strings as a FROM item `(SELECT … AS alias)`, bound as the parameter `$param`. */
  listRows(param: number, column: string): string;
  /**
   * Rows bound as parameters numbered from `firstParam`, readable as `FROM ${set.sql} AS x` with the given
   * columns (and `idx` when `withIndex`): JSON text in ONE parameter on SQLite, one array per column on
   * PostgreSQL. `rows` are tuples in `columns` order.
   */
  rowSet(
    firstParam: number,
    columns: readonly (readonly [name: string, type: RowSetType])[],
    rows: readonly (readonly unknown[])[],
    withIndex?: boolean,
  ): BoundRowSet;
  /** Appended to a SELECT that reads rows it will update in the same transaction (`FOR UPDATE`, or nothing). */
  readonly forUpdate: string;
  /**
   * Serialises the transactions that call it with the same `lockClass` until they commit: a transaction-scoped
   * advisory lock keyed by `lockClass` and the schema on PostgreSQL; nothing on SQLite, whose single writer
   * already serialises every writing transaction. This is what keeps the appends to a gap-free log (events,
   * membership changes) committing in the order of the numbers they took, and migrators from racing.
   */
  serialise(tx: SqlExecutor, lockClass: number): Promise<void>;
  /**
   * Locks each of `keys` until the transaction ends, in one global order (by hash) so that two transactions
   * locking overlapping sets cannot deadlock: transaction-scoped advisory locks on PostgreSQL. Returns false,
   * locking nothing, on SQLite, whose writing transaction already holds the database's only write lock.
   */
  lockKeys(tx: SqlExecutor, keys: readonly string[]): Promise<boolean>;
  /** Whether a table exists in the current schema. */
  tableExists(sql: SqlExecutor, table: string): Promise<boolean>;
  /**
   * After deleting personal data (an erasure), makes the deleted bytes unreadable from the database's files, as
   * far as the backend allows; resolves true when done, false when it must be retried later. SQLite: deleted
   * content is already zeroed in the pages (`secure_delete`, set on every connection); this checkpoints the WAL
   * and truncates it, so no older copy of a page stays in the WAL file (false when a reader holds the WAL).
   * PostgreSQL: nothing to do here (dead tuples stay in the heap until VACUUM; see docs/privacy.md); true.
   */
  scrubFreedSpace(sql: SqlExecutor): Promise<boolean>;
}
