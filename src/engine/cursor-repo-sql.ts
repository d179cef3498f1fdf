import type { SqlExecutor } from '../store/index.js';

/** The engine's durable position in the event log, moved in the same transaction as the effects it covers. */
export class CursorRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** The last event seq whose effects are committed (0 at first start). */
  async get(name: string): Promise<number> {
    const rows = await this.sql.query<{ seq: unknown }>('SELECT seq FROM engine_cursors WHERE name = $1', [name]);
    return Number(rows[0]?.seq ?? 0);
  }

  /** Moves the cursor (never backwards). */
  async set(name: string, seq: number): Promise<void> {
    await this.sql.execute(
      `INSERT INTO engine_cursors (name, seq) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET seq = CASE WHEN excluded.seq > engine_cursors.seq THEN excluded.seq ELSE engine_cursors.seq END`,
      [name, seq],
    );
  }
}
