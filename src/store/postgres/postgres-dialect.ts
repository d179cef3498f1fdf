import type { BoundRowSet, RowSetType, SqlDialect } from '../sql-dialect.js';
import type { SqlExecutor } from '../sql-executor.js';

/**
 * PostgreSQL's {@link SqlDialect}: lists and row sets travel as typed arrays and are read with `unnest`; rows
 * read for update are locked with `FOR UPDATE`; gap-free logs are serialised with a transaction-scoped
 * advisory lock keyed by the schema (so test schemas do not contend).
 */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  inList: (column, param) => `${column} = ANY($${param}::text[])`,
  listParam: (values) => values,
  listRows: (param, column) => `(SELECT x.${column} FROM unnest($${param}::text[]) AS x(${column}))`,
  rowSet(firstParam: number, columns: readonly (readonly [string, RowSetType])[], rows: readonly (readonly unknown[])[], withIndex = false): BoundRowSet {
    const arrays = columns.map(([, type], i) => `$${firstParam + i}::${type}[]`);
    const names = columns.map(([name]) => name);
    const params = columns.map((_, i) => rows.map((r) => r[i]));
    const sql = withIndex
      ? `(SELECT ord - 1 AS idx, ${names.join(', ')} FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS x(${names.join(', ')}, ord))`
      : `(SELECT ${names.join(', ')} FROM unnest(${arrays.join(', ')}) AS x(${names.join(', ')}))`;
    return { sql, params };
  },
  forUpdate: ' FOR UPDATE',
  async serialise(tx: SqlExecutor, lockClass: number): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(${lockClass}, hashtext(current_schema()))`);
  },
  async lockKeys(tx: SqlExecutor, keys: readonly string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    // The ORDER BY sits in a subquery, which PostgreSQL does not flatten, so the locks are taken in hash order.
    // A hash collision only makes two unrelated keys wait for each other.
    await tx.query(
      `SELECT pg_advisory_xact_lock(h) FROM (
         SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h) locks`,
      [keys],
    );
    return true;
  },
  async tableExists(sql: SqlExecutor, table: string): Promise<boolean> {
    return (await sql.query('SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1', [table])).length > 0;
  },
  async scrubFreedSpace(): Promise<boolean> {
    // Dead tuples are reclaimed by (auto)VACUUM, outside any transaction; the operator's job (docs/privacy.md).
    return true;
  },
};
