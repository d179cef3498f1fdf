import type { SqlExecutor } from '../store/index.js';

/**
 * Durable workflow timers: at most one per run (primary key), with a due-time index. Written in the same
 * transaction as the run state that needs it, so a crash can neither lose a wake-up nor keep a stale one.
 */
export class WorkflowTimerRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Arms (or moves) the run's timer, or removes it when `dueAt` is undefined. */
  async set(runId: string, dueAt: number | undefined): Promise<void> {
    if (dueAt === undefined) {
      await this.sql.execute('DELETE FROM workflow_timers WHERE run_id = $1', [runId]);
      return;
    }
    await this.sql.execute('INSERT INTO workflow_timers (run_id, due_at) VALUES ($1, $2) ON CONFLICT (run_id) DO UPDATE SET due_at = excluded.due_at', [runId, dueAt]);
  }

  /**
   * Claims up to `limit` timers due at or before `until`, earliest first. Call inside a transaction: on PostgreSQL
   * the rows are locked `FOR UPDATE SKIP LOCKED`, so concurrent workers each take different runs and none waits for
   * another; the claim lasts until the transaction ends (a crashed worker's claim is released by the database).
   */
  async claimDue(until: number, limit: number): Promise<{ runId: string; dueAt: number }[]> {
    const lock = this.sql.dialect.name === 'postgres' ? ' FOR UPDATE OF t SKIP LOCKED' : '';
    // Timers of paused workflows stay armed but are not claimed: resuming lets them fire.
    const rows = await this.sql.query<{ run_id: string; due_at: unknown }>(
      `SELECT t.run_id, t.due_at FROM workflow_timers t
       JOIN workflow_runs r ON r.id = t.run_id JOIN workflows w ON w.id = r.workflow_id
       WHERE t.due_at <= $1 AND w.status = 'active' ORDER BY t.due_at LIMIT $2${lock}`,
      [until, limit],
    );
    return rows.map((r) => ({ runId: r.run_id, dueAt: Number(r.due_at) }));
  }

  /** The earliest due instant of an active workflow's timer, if any. */
  async nextDue(): Promise<number | undefined> {
    const rows = await this.sql.query<{ due: unknown }>(
      `SELECT MIN(t.due_at) AS due FROM workflow_timers t
       JOIN workflow_runs r ON r.id = t.run_id JOIN workflows w ON w.id = r.workflow_id WHERE w.status = 'active'`,
    );
    const due = rows[0]?.due;
    return due === null || due === undefined ? undefined : Number(due);
  }

  async get(runId: string): Promise<number | undefined> {
    const rows = await this.sql.query<{ due_at: unknown }>('SELECT due_at FROM workflow_timers WHERE run_id = $1', [runId]);
    return rows[0] ? Number(rows[0].due_at) : undefined;
  }
}
