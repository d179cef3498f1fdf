import type { SqlExecutor } from '../sql-executor.js';

const TABLE = /^[a-z_]+$/;

/**
 * Durable consumer cursors in one area's table of shape `(name TEXT PRIMARY KEY, seq INTEGER)` — each area keeps
 * its own (`workflow_cursors`, `experiment_cursors`, `predict_cursors`, `monitor_cursors`), so moving the
 * consumers onto one mechanism needed no migration and no area reads another's table.
 */
export class CursorTable {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly table: string,
  ) {
    if (!TABLE.test(table)) throw new Error(`CursorTable: not a table name: ${table}`);
  }

  /** The cursor's position, created at `initial` when missing. */
  async get(name: string, initial: () => Promise<number>): Promise<number> {
    const rows = await this.sql.query<{ seq: unknown }>(`SELECT seq FROM ${this.table} WHERE name = $1`, [name]);
    if (rows[0] !== undefined) return Number(rows[0].seq);
    await this.sql.execute(`INSERT INTO ${this.table} (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, await initial()]);
    const again = await this.sql.query<{ seq: unknown }>(`SELECT seq FROM ${this.table} WHERE name = $1`, [name]);
    return Number(again[0]?.seq ?? 0);
  }

  /**
   * Inside a transaction: takes the cursor if it still stands at `from` (true), or reports that another process
   * moved it (false). The no-op update is the claim: on PostgreSQL it locks the row until the transaction ends, so
   * a second process claiming the same position waits, then sees the moved cursor and backs off; on SQLite the
   * single writer serialises transactions anyway.
   */
  async claim(name: string, from: number): Promise<boolean> {
    return (await this.sql.execute(`UPDATE ${this.table} SET seq = seq WHERE name = $1 AND seq = $2`, [name, from])) === 1;
  }

  /** Moves the cursor forward to `seq` (never backwards). */
  async advance(name: string, seq: number): Promise<void> {
    await this.sql.execute(`UPDATE ${this.table} SET seq = $2 WHERE name = $1 AND seq < $2`, [name, seq]);
  }

  /** Moves a claimed cursor (inside the claiming transaction). */
  async set(name: string, seq: number): Promise<void> {
    await this.sql.execute(`UPDATE ${this.table} SET seq = $2 WHERE name = $1`, [name, seq]);
  }
}
