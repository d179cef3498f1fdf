import type { SqlExecutor } from '../store/index.js';

/** What happened at one step of one version: path entries per outcome, and its actions by status. */
export interface StepCounts {
  /**
   * Path entries per outcome (`then` / `else` for a branch, `waited`, `satisfied` / `timed_out`, `action`,
   * `held`, `capped`, `exited`, …): how many times runs passed the step that way. A step inside a loop counts
   * once per pass, as the paths show it.
   */
  readonly outcomes: Readonly<Record<string, number>>;
  /** The step's actions by status (sending and trait steps only). */
  readonly actions: { readonly pending: number; readonly sent: number; readonly failed: number };
}

/**
 * Per version and step, the outcomes of the runs' paths and the actions by status, for the workflow page's flow
 * ("then 12 / else 30", "sent 41, failed 1"). Two grouped reads: `workflow_steps` through its runs (the runs
 * index narrows to the workflow; each run's path is its primary-key range) and `workflow_actions` (its workflow
 * index). The cost grows with the number of path entries of the workflow — a page read, not a hot path; a
 * counter table kept by the runtime would make it constant if workflows with millions of runs need it.
 */
export async function stepCounts(sql: SqlExecutor, workflowId: string): Promise<Map<number, Record<string, StepCounts>>> {
  const out = new Map<number, Record<string, { outcomes: Record<string, number>; actions: { pending: number; sent: number; failed: number } }>>();
  const cell = (version: number, stepId: string) => {
    let byStep = out.get(version);
    if (!byStep) out.set(version, (byStep = {}));
    return (byStep[stepId] ??= { outcomes: {}, actions: { pending: 0, sent: 0, failed: 0 } });
  };
  const outcomes = await sql.query<{ version: unknown; step_id: string; outcome: string; n: unknown }>(
    `SELECT r.version AS version, s.step_id AS step_id, s.outcome AS outcome, COUNT(*) AS n
     FROM workflow_runs r JOIN workflow_steps s ON s.run_id = r.id
     WHERE r.workflow_id = $1 GROUP BY r.version, s.step_id, s.outcome`,
    [workflowId],
  );
  for (const r of outcomes) cell(Number(r.version), r.step_id).outcomes[r.outcome] = Number(r.n);
  const actions = await sql.query<{ version: unknown; step_id: string; status: string; n: unknown }>(
    'SELECT version, step_id, status, COUNT(*) AS n FROM workflow_actions WHERE workflow_id = $1 GROUP BY version, step_id, status',
    [workflowId],
  );
  for (const r of actions) {
    const a = cell(Number(r.version), r.step_id).actions;
    if (r.status === 'pending' || r.status === 'sent' || r.status === 'failed') a[r.status] += Number(r.n);
  }
  return out;
}
