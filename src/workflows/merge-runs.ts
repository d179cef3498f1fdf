import type { Repos, SqlExecutor } from '../store/index.js';
import { inList, inListParam } from '../store/index.js';
import { RunRepoSql, type RunRecord } from './run-repo-sql.js';
import type { RunState } from './run-state.js';
import { WorkflowTimerRepoSql } from './workflow-timer-repo-sql.js';

/** What moving a merged person's runs did. */
export interface MergedRuns {
  /** Runs (active or ended) that now belong to the survivor. */
  readonly moved: number;
  /** Active runs ended with cause `merged` because the survivor had a run of the same workflow and key. */
  readonly exited: number;
}

/**
 * Identity merges for workflows: when ingestion merges profiles (an `alias`, or an `identify` naming both a user
 * and an anonymous id), the merged-away profiles' runs move to the survivor, as their events and memberships do
 * (the engine exits the merged profile's memberships with cause `profile_merged` on the same event).
 *
 * Every run of a merged profile — active or ended — is re-pointed at the survivor, with its outbox actions (the
 * frequency cap counts the person's sends across both) and its re-entry guards. The guard is one row per
 * (workflow, person, key), so the survivor may hold at most one active run per workflow and key: when both
 * profiles had one, the run entered first is kept (ties: the smaller run id) and the other ends at the merge's
 * instant with cause `merged` (a path entry, no timer) — deterministic on every worker and on a replay. Merged
 * guard rows keep the later `blocked_until` (an active run blocks for ever), so the person's re-entry policy
 * holds across the identities they used. Idempotent: a second call finds nothing left on the merged profiles.
 * Runs in the caller's transaction; on PostgreSQL the active runs involved are locked first.
 */
export async function moveMergedRuns(tx: Repos, survivor: string, merged: readonly string[], at: number): Promise<MergedRuns> {
  const others = merged.filter((id) => id !== survivor);
  if (others.length === 0) return { moved: 0, exited: 0 };
  const sql = tx.sql;
  const runs = new RunRepoSql(sql);
  const active = await runs.activeOf([survivor, ...others], true);
  const groups = new Map<string, RunRecord[]>();
  for (const r of active) {
    const k = `${r.workflowId}\u0000${r.key}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  let exited = 0;
  const keepers: RunRecord[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const [keeper, ...losers] = [...group].sort((a, b) => a.enteredAt - b.enteredAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (keeper === undefined) continue;
    keepers.push(keeper);
    for (const loser of losers) {
      await endMerged(sql, loser, at);
      exited += 1;
    }
  }
  const params = [survivor, inListParam(sql, others)];
  const moved = await sql.execute(`UPDATE workflow_runs SET profile_id = $1 WHERE ${inList(sql, 'profile_id', 2)}`, params);
  await sql.execute(`UPDATE workflow_actions SET profile_id = $1 WHERE ${inList(sql, 'profile_id', 2)}`, params);
  await mergeGuards(sql, survivor, others);
  for (const k of keepers) {
    await sql.execute('UPDATE workflow_entries SET last_run_id = $4 WHERE workflow_id = $1 AND profile_id = $2 AND run_key = $3', [k.workflowId, survivor, k.key, k.id]);
  }
  return { moved, exited };
}

/** Ends an active run with cause `merged` at `at` (never before its last instant): state, path entry, no timer. */
async function endMerged(sql: SqlExecutor, run: RunRecord, at: number): Promise<void> {
  const t = Math.max(at, run.state.at);
  const state: RunState = { status: 'ended', pc: run.state.pc, executed: run.state.executed, exitCause: 'merged', at: t };
  const repo = new RunRepoSql(sql);
  await repo.update({ ...run, state, pathLength: run.pathLength + 1, updatedAt: t });
  await repo.appendSteps(run.id, run.pathLength, [{ stepId: run.stepId, at: t, outcome: 'exited', cause: 'merged' }]);
  await new WorkflowTimerRepoSql(sql).set(run.id, undefined);
}

/** Folds the merged profiles' re-entry guards into the survivor's: the later block wins, entries add up. */
async function mergeGuards(sql: SqlExecutor, survivor: string, others: readonly string[]): Promise<void> {
  const rows = await sql.query<{ workflow_id: string; run_key: string; blocked_until: unknown; entries: unknown; last_run_id: string }>(
    `SELECT workflow_id, run_key, blocked_until, entries, last_run_id FROM workflow_entries WHERE ${inList(sql, 'profile_id', 1)} ORDER BY workflow_id, run_key, profile_id`,
    [inListParam(sql, others)],
  );
  for (const r of rows) {
    await sql.execute(
      `INSERT INTO workflow_entries (workflow_id, profile_id, run_key, blocked_until, entries, last_run_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (workflow_id, profile_id, run_key) DO UPDATE SET
         blocked_until = CASE WHEN excluded.blocked_until > workflow_entries.blocked_until THEN excluded.blocked_until ELSE workflow_entries.blocked_until END,
         last_run_id = CASE WHEN excluded.blocked_until > workflow_entries.blocked_until THEN excluded.last_run_id ELSE workflow_entries.last_run_id END,
         entries = workflow_entries.entries + excluded.entries`,
      [r.workflow_id, survivor, r.run_key, Number(r.blocked_until), Number(r.entries), r.last_run_id],
    );
  }
  await sql.execute(`DELETE FROM workflow_entries WHERE ${inList(sql, 'profile_id', 1)}`, [inListParam(sql, others)]);
}

/**
 * The profiles among `profileIds` that were merged away, with their survivors: one read of the profile table,
 * for inputs that may reach a run before the merge's own event does (a timer due in between).
 */
export async function survivorsOf(sql: SqlExecutor, workspaceId: string, profileIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (profileIds.length === 0) return out;
  const rows = await sql.query<{ id: string; merged_into: string }>(
    `SELECT id, merged_into FROM profiles WHERE workspace_id = $1 AND ${inList(sql, 'id', 2)} AND merged_into IS NOT NULL`,
    [workspaceId, inListParam(sql, profileIds)],
  );
  for (const r of rows) out.set(r.id, r.merged_into);
  return out;
}
