import type { SqlExecutor } from '../../store/index.js';

/** The live scorer's durable position in the event log (`predict_cursors`). */
export class PredictCursorRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** The last event seq whose profiles were rescored (0 at first start). */
  async get(name: string): Promise<number> {
    const rows = await this.sql.query<{ seq: unknown }>('SELECT seq FROM predict_cursors WHERE name = $1', [name]);
    return Number(rows[0]?.seq ?? 0);
  }

  /** Moves the cursor (never backwards). */
  async set(name: string, seq: number): Promise<void> {
    await this.sql.execute(
      `INSERT INTO predict_cursors (name, seq) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET seq = CASE WHEN excluded.seq > predict_cursors.seq THEN excluded.seq ELSE predict_cursors.seq END`,
      [name, seq],
    );
  }
}
