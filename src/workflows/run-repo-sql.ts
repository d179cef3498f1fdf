import type { SqlExecutor } from '../store/index.js';
import { fromJson, inList, inListParam, toJson } from '../store/index.js';
import type { RunState, StepRecord } from './run-state.js';

/** A stored run of one person through one workflow version. */
export interface RunRecord {
  readonly id: string;
  readonly workflowId: string;
  readonly version: number;
  readonly workspaceId: string;
  readonly profileId: string;
  readonly key: string;
  readonly state: RunState;
  /** The step the run is at (or ended at). */
  readonly stepId: string;
  readonly pathLength: number;
  readonly enteredAt: number;
  readonly updatedAt: number;
}

interface Row {
  [k: string]: unknown;
  id: string;
  workflow_id: string;
  version: unknown;
  workspace_id: string;
  profile_id: string;
  run_key: string;
  state: unknown;
  step_id: string;
  path_len: unknown;
  entered_at: unknown;
  updated_at: unknown;
}

const fromRow = (r: Row): RunRecord => ({
  id: r.id,
  workflowId: r.workflow_id,
  version: Number(r.version),
  workspaceId: r.workspace_id,
  profileId: r.profile_id,
  key: r.run_key,
  state: fromJson(r.state) as RunState,
  stepId: r.step_id,
  pathLength: Number(r.path_len),
  enteredAt: Number(r.entered_at),
  updatedAt: Number(r.updated_at),
});

/**
 * Runs, their paths and the re-entry guard, written once for both SQL dialects.
 *
 * The re-entry guard is one row per (workflow, person, run key) — a primary key, so the database itself makes
 * entries unique — holding until when a new entry is refused. Entering is a single conditional upsert: insert
 * the row, or take it over only when its `blocked_until` has passed. On PostgreSQL two concurrent entries for the
 * same key serialise on that row: the second re-checks the condition against the first one's committed value
 * (`ON CONFLICT DO UPDATE … WHERE` re-evaluates on the latest row version) and gets no row back. On SQLite there
 * is one writer. So duplicate or concurrent triggers start at most one run, whatever the number of workers; an
 * application-level "look, then insert" would let both in. While a run is active its row blocks until forever;
 * its end sets the re-entry instant (see `entryBlockedUntil`).
 */
export class RunRepoSql {
  constructor(private readonly sql: SqlExecutor) {}

  /** Claims the entry of (workflow, person, key) for `runId` at `now`; false when the re-entry policy refuses it. */
  async tryEnter(workflowId: string, profileId: string, key: string, runId: string, now: number, blockUntil: number): Promise<boolean> {
    const rows = await this.sql.query(
      `INSERT INTO workflow_entries (workflow_id, profile_id, run_key, blocked_until, entries, last_run_id) VALUES ($1, $2, $3, $4, 1, $5)
       ON CONFLICT (workflow_id, profile_id, run_key) DO UPDATE
         SET blocked_until = excluded.blocked_until, entries = workflow_entries.entries + 1, last_run_id = excluded.last_run_id
         WHERE workflow_entries.blocked_until <= $6
       RETURNING last_run_id`,
      [workflowId, profileId, key, blockUntil, runId, now],
    );
    return rows.length === 1;
  }

  /** Sets when the key may be entered again (the run ended). */
  async release(workflowId: string, profileId: string, key: string, blockedUntil: number): Promise<void> {
    await this.sql.execute('UPDATE workflow_entries SET blocked_until = $4 WHERE workflow_id = $1 AND profile_id = $2 AND run_key = $3', [
      workflowId,
      profileId,
      key,
      blockedUntil,
    ]);
  }

  async insert(r: RunRecord): Promise<void> {
    await this.sql.execute(
      `INSERT INTO workflow_runs (id, workflow_id, version, workspace_id, profile_id, run_key, status, step_id, state, path_len, exit_cause, entered_at, updated_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      runRowValues(r),
    );
  }

  async update(r: RunRecord): Promise<void> {
    await this.sql.execute(
      `UPDATE workflow_runs SET version = $2, status = $3, step_id = $4, state = $5, path_len = $6, exit_cause = $7, updated_at = $8, ended_at = $9 WHERE id = $1`,
      [r.id, r.version, r.state.status, r.stepId, toJson(r.state), r.pathLength, r.state.exitCause ?? null, r.updatedAt, r.state.status === 'ended' ? r.state.at : null],
    );
  }

  /** Runs by id; on PostgreSQL locked for this transaction (`FOR UPDATE`) so that two workers never advance one run at once. */
  async getMany(ids: readonly string[], lock: boolean): Promise<RunRecord[]> {
    if (ids.length === 0) return [];
    const forUpdate = lock && this.sql.dialect.name === 'postgres' ? ' ORDER BY id FOR UPDATE' : '';
    // One list parameter: the same statement text for any number of ids (a storm reads 2,000 at a time).
    return (await this.sql.query<Row>(`SELECT * FROM workflow_runs WHERE ${inList(this.sql, 'id', 1)}${forUpdate}`, [inListParam(this.sql, ids)])).map(fromRow);
  }

  /** The active runs of some people (locked like {@link getMany}). */
  async activeOf(profileIds: readonly string[], lock: boolean): Promise<RunRecord[]> {
    if (profileIds.length === 0) return [];
    const forUpdate = lock && this.sql.dialect.name === 'postgres' ? ' ORDER BY id FOR UPDATE' : '';
    return (
      await this.sql.query<Row>(`SELECT * FROM workflow_runs WHERE ${inList(this.sql, 'profile_id', 1)} AND status = 'active'${forUpdate}`, [inListParam(this.sql, profileIds)])
    ).map(fromRow);
  }

  /** Active runs of one workflow (all versions, or one), for pause / archive / migrate. */
  async activeOfWorkflow(workflowId: string, version?: number): Promise<RunRecord[]> {
    const rows =
      version === undefined
        ? await this.sql.query<Row>("SELECT * FROM workflow_runs WHERE workflow_id = $1 AND status = 'active' ORDER BY id", [workflowId])
        : await this.sql.query<Row>("SELECT * FROM workflow_runs WHERE workflow_id = $1 AND version = $2 AND status = 'active' ORDER BY id", [workflowId, version]);
    return rows.map(fromRow);
  }

  /** One person's runs of one workflow, newest first. */
  async ofProfile(workflowId: string, profileId: string, limit: number): Promise<RunRecord[]> {
    return (
      await this.sql.query<Row>('SELECT * FROM workflow_runs WHERE workflow_id = $1 AND profile_id = $2 ORDER BY entered_at DESC, id DESC LIMIT $3', [workflowId, profileId, limit])
    ).map(fromRow);
  }

  /** Appends path entries `from, from + 1, …` of a run. */
  async appendSteps(runId: string, from: number, records: readonly StepRecord[]): Promise<void> {
    if (records.length === 0) return;
    const params: unknown[] = [];
    const rows: string[] = [];
    for (const [i, r] of records.entries()) {
      const { stepId, at, outcome, ...detail } = r;
      const b = params.length;
      rows.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`);
      params.push(runId, from + i, stepId, outcome, at, Object.keys(detail).length === 0 ? null : toJson(detail));
    }
    await this.sql.execute(`INSERT INTO workflow_steps (run_id, n, step_id, outcome, at, detail) VALUES ${rows.join(', ')}`, params);
  }

  /** A run's path in order. */
  async steps(runId: string): Promise<StepRecord[]> {
    const rows = await this.sql.query<{ step_id: string; outcome: string; at: unknown; detail: unknown }>(
      'SELECT step_id, outcome, at, detail FROM workflow_steps WHERE run_id = $1 ORDER BY n',
      [runId],
    );
    return rows.map((r) => ({
      stepId: r.step_id,
      outcome: r.outcome as StepRecord['outcome'],
      at: Number(r.at),
      ...((r.detail === null ? {} : fromJson(r.detail)) as object),
    }));
  }

  /** Per version: active runs per step, ended runs per exit cause, and all runs entered. */
  async stats(workflowId: string): Promise<{ version: number; status: string; stepId: string; exitCause: string | null; n: number }[]> {
    const rows = await this.sql.query<{ version: unknown; status: string; step_id: string; exit_cause: string | null; n: unknown }>(
      `SELECT version, status, CASE WHEN status = 'active' THEN step_id ELSE '' END AS step_id, exit_cause, COUNT(*) AS n
       FROM workflow_runs WHERE workflow_id = $1 GROUP BY version, status, CASE WHEN status = 'active' THEN step_id ELSE '' END, exit_cause`,
      [workflowId],
    );
    return rows.map((r) => ({ version: Number(r.version), status: r.status, stepId: r.step_id, exitCause: r.exit_cause, n: Number(r.n) }));
  }
}

/**
 * A run's values in the column order of a `workflow_runs` insert (id … ended_at, 14 columns): the one place that
 * maps a {@link RunRecord} onto its row, for the single insert here and the batched upsert of `RunWrites`.
 */
export function runRowValues(r: RunRecord): unknown[] {
  return [
    r.id,
    r.workflowId,
    r.version,
    r.workspaceId,
    r.profileId,
    r.key,
    r.state.status,
    r.stepId,
    toJson(r.state),
    r.pathLength,
    r.state.exitCause ?? null,
    r.enteredAt,
    r.updatedAt,
    r.state.status === 'ended' ? r.state.at : null,
  ];
}
