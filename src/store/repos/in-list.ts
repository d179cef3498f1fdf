import type { SqlExecutor } from '../sql-executor.js';

/**
 * A membership test against a list bound as ONE parameter, so the statement text (and its prepared
 * statement) does not change with the list's length: `col IN (SELECT value FROM json_each($n))` on SQLite,
 * `col = ANY($n::text[])` on PostgreSQL. Pair it with {@link inListParam}.
 */
export function inList(sql: SqlExecutor, column: string, param: number): string {
  return sql.dialect.inList(column, param);
}

/** The parameter value for {@link inList}: JSON text on SQLite, an array on PostgreSQL. */
export function inListParam(sql: SqlExecutor, values: readonly string[]): unknown {
  return sql.dialect.listParam(values);
}
