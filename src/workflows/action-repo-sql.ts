import type { SqlExecutor } from '../store/index.js';
import type { ActionKind } from './run-state.js';
import { inList, inListParam } from '../store/index.js';
import { fromJson, toJson } from '../store/index.js';

/** Where an action stands: waiting to be performed, performed, or given up after its retries. */
export type ActionStatus = 'pending' | 'sent' | 'failed';

/** One action of a run in the outbox: performed at least once by the sender, with a stable idempotency id. */
export interface ActionRecord {
  readonly id: string;
  readonly runId: string;
  readonly workflowId: string;
  readonly version: number;
  readonly workspaceId: string;
  readonly profileId: string;
  readonly stepId: string;
  readonly kind: ActionKind;
  /** Destination name for webhooks and list steps. */
  readonly target: string;
  readonly payload: unknown;
  readonly status: ActionStatus;
  readonly attempts: number;
  readonly dueAt: number;
  readonly nextAttemptAt: number;
}

interface Row {
  [k: string]: unknown;
  id: string;
  run_id: string;
  workflow_id: string;
  version: unknown;
  workspace_id: string;
  profile_id: string;
  step_id: string;
  kind: string;
  target: string;
  payload: unknown;
  status: string;
  attempts: unknown;
  due_at: unknown;
  next_attempt_at: unknown;
}

const fromRow = (r: Row): ActionRecord => ({
  id: r.id,
  runId: r.run_id,
  workflowId: r.workflow_id,
  version: Number(r.version),
  workspaceId: r.workspace_id,
  profileId: r.profile_id,
  stepId: r.step_id,
  kind: r.kind as ActionRecord['kind'],
  target: r.target,
  payload: fromJson(r.payload),
  status: r.status as ActionStatus,
  attempts: Number(r.attempts),
  dueAt: Number(r.due_at),
  nextAttemptAt: Number(r.next_attempt_at),
});

/**
 * The workflow action outbox. Actions are inserted in the transaction that advances their run (so a crash keeps
 * both or neither) and performed afterwards by the action sender; the id is the idempotency id, so inserting the
 * same action twice is a no-op and a resend carries the same id downstream.
 */
export class ActionRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  async insert(a: ActionRecord): Promise<void> {
    await this.sql.execute(
      `INSERT INTO workflow_actions (id, run_id, workflow_id, version, workspace_id, profile_id, step_id, kind, target, payload, status, attempts, due_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING`,
      [a.id, a.runId, a.workflowId, a.version, a.workspaceId, a.profileId, a.stepId, a.kind, a.target, toJson(a.payload), a.status, a.attempts, a.dueAt, a.nextAttemptAt],
    );
  }

  /** Claims pending actions due by `now` (on PostgreSQL `FOR UPDATE SKIP LOCKED`; call inside a transaction). */
  async claimDue(now: number, limit: number): Promise<ActionRecord[]> {
    const lock = this.sql.dialect.name === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    return (
      await this.sql.query<Row>(`SELECT * FROM workflow_actions WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2${lock}`, [now, limit])
    ).map(fromRow);
  }

  /** Pushes a claimed action's next attempt to `at` (a lease: another worker will not take it before then). */
  async postpone(id: string, at: number): Promise<void> {
    await this.sql.execute('UPDATE workflow_actions SET next_attempt_at = $2 WHERE id = $1', [id, at]);
  }

  /** {@link postpone} for many claimed actions in one statement (the sender's batch). */
  async postponeMany(ids: readonly string[], at: number): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.execute(`UPDATE workflow_actions SET next_attempt_at = $1 WHERE ${inList(this.sql, 'id', 2)}`, [at, inListParam(this.sql, ids)]);
  }

  /** {@link markSent} for many actions sent at the same instant, in one statement. */
  async markSentMany(ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.execute(
      `UPDATE workflow_actions SET status = 'sent', attempts = attempts + 1, sent_at = $1, last_error = NULL WHERE ${inList(this.sql, 'id', 2)}`,
      [now, inListParam(this.sql, ids)],
    );
  }

  async markSent(id: string, now: number): Promise<void> {
    await this.sql.execute("UPDATE workflow_actions SET status = 'sent', attempts = attempts + 1, sent_at = $2, last_error = NULL WHERE id = $1", [id, now]);
  }

  async markRetry(id: string, nextAttemptAt: number, error: string): Promise<void> {
    await this.sql.execute('UPDATE workflow_actions SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE id = $1', [id, nextAttemptAt, error]);
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.sql.execute("UPDATE workflow_actions SET status = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1", [id, error]);
  }

  /** Instants of a person's sending actions since `since`, across all workflows (the frequency cap's input). */
  async sendsOf(profileId: string, since: number): Promise<number[]> {
    const rows = await this.sql.query<{ due_at: unknown }>(
      "SELECT due_at FROM workflow_actions WHERE profile_id = $1 AND kind <> 'set_trait' AND status <> 'failed' AND due_at > $2 ORDER BY due_at",
      [profileId, since],
    );
    return rows.map((r) => Number(r.due_at));
  }

  /** Per version: actions by status. */
  async counts(workflowId: string): Promise<{ version: number; status: ActionStatus; n: number }[]> {
    const rows = await this.sql.query<{ version: unknown; status: string; n: unknown }>(
      'SELECT version, status, COUNT(*) AS n FROM workflow_actions WHERE workflow_id = $1 GROUP BY version, status',
      [workflowId],
    );
    return rows.map((r) => ({ version: Number(r.version), status: r.status as ActionStatus, n: Number(r.n) }));
  }

  async ofRun(runId: string): Promise<ActionRecord[]> {
    return (await this.sql.query<Row>('SELECT * FROM workflow_actions WHERE run_id = $1 ORDER BY due_at, id', [runId])).map(fromRow);
  }
}
