import type { BoundRowSet, RowSetType, SqlDialect } from '../sql-dialect.js';
import type { SqlExecutor } from '../sql-executor.js';
import { toJson } from '../repos/json-column.js';

/**
 * SQLite's {@link SqlDialect}: lists and row sets travel as JSON text (NUL written as U+FFFD, as the executor
 * stores it) and are read with `json_each`; there is
 * no row locking (one writer at a time, `BEGIN IMMEDIATE`), so `FOR UPDATE` and append serialisation are empty.
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  inList: (column, param) => `${column} IN (SELECT value FROM json_each($${param}))`,
  listParam: (values) => toJson(values),
  listRows: (param, column) => `(SELECT value AS ${column} FROM json_each($${param}))`,
  rowSet(firstParam: number, columns: readonly (readonly [string, RowSetType])[], rows: readonly (readonly unknown[])[], withIndex = false): BoundRowSet {
    const cols = columns.map(([name], i) => `json_extract(value, '$[${i}]') AS ${name}`);
    if (withIndex) cols.unshift('CAST(key AS INTEGER) AS idx');
    // `WHERE true` lets an INSERT … SELECT FROM this set be followed by ON CONFLICT (SQLite's parser needs it).
    return { sql: `(SELECT ${cols.join(', ')} FROM json_each($${firstParam}) WHERE true)`, params: [toJson(rows)] };
  },
  forUpdate: '',
  serialise: async () => {},
  lockKeys: async () => false,
  async tableExists(sql: SqlExecutor, table: string): Promise<boolean> {
    return (await sql.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1", [table])).length > 0;
  },
  async scrubFreedSpace(sql: SqlExecutor): Promise<boolean> {
    // TRUNCATE: copy every WAL frame into the database file and cut the WAL to zero bytes, so the page images
    // written before the deletion (which still hold the erased rows) are gone. busy = 1 when a reader held it.
    const rows = await sql.query<{ busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)');
    return rows.length === 0 || Number(rows[0]?.busy ?? 0) === 0;
  },
};
