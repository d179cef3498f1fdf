import type { SqlExecutor } from '../store/index.js';

/** The workflow runtime's durable cursors on the logs it reads (`membership`, `events`). */
export class WorkflowCursorRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * The cursor's position (created at `initial` when missing). Inside a transaction on PostgreSQL the row is
   * locked `FOR UPDATE`, so only one worker at a time reads a batch of a log and moves its cursor.
   */
  async get(name: string, initial: number): Promise<number> {
    await this.sql.execute('INSERT INTO workflow_cursors (name, seq) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, initial]);
    const lock = this.sql.dialect.name === 'postgres' ? ' FOR UPDATE' : '';
    const rows = await this.sql.query<{ seq: unknown }>(`SELECT seq FROM workflow_cursors WHERE name = $1${lock}`, [name]);
    return Number(rows[0]?.seq ?? initial);
  }

  async set(name: string, seq: number): Promise<void> {
    await this.sql.execute('UPDATE workflow_cursors SET seq = $2 WHERE name = $1', [name, seq]);
  }
}
