import type { SqlExecutor } from '../store/index.js';
import { inList, inListParam, toJson } from '../store/index.js';
import type { ActionRecord } from './action-repo-sql.js';
import { runRowValues, type RunRecord } from './run-repo-sql.js';
import type { StepRecord } from './run-state.js';

const RUN_CHUNK = 100;
const STEP_CHUNK = 500;

const placeholderTexts = new Map<number, string>();

/**
 * `($1, $2), ($3, $4), …` for `rows` × `cols` parameters. Memoised: the texts of full chunks recur on every flush,
 * and handing the executor the same string object lets its statement cache find the prepared statement without
 * building and hashing a new multi-kilobyte string each time (a third of a storm's JavaScript time before).
 */
function placeholders(rows: number, cols: number): string {
  const key = rows * 64 + cols;
  let text = placeholderTexts.get(key);
  if (text === undefined) {
    const out: string[] = [];
    for (let r = 0; r < rows; r++) out.push(`(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}`).join(', ')})`);
    text = out.join(', ');
    placeholderTexts.set(key, text);
  }
  return text;
}

/** The statement texts of full and partial chunks, memoised by the row count (see {@link placeholders}). */
function memo(cache: Map<number, string>, rows: number, build: (rows: number) => string): string {
  let text = cache.get(rows);
  if (text === undefined) {
    text = build(rows);
    cache.set(rows, text);
  }
  return text;
}
function claim(set: Set<ActionRecord>, a: ActionRecord): ActionRecord {
  set.add(a);
  return a;
}

const runSql = new Map<number, string>();
const stepSql = new Map<number, string>();
const timerSql = new Map<number, string>();
const actionSql = new Map<number, string>();

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * The writes that advancing runs produces (run rows, path entries, timers, actions), collected and written in a
 * few multi-row statements per kind instead of several statements per run: with one run per timer, a storm of
 * due waits is written in constant statements per chunk. Must be flushed inside the transaction that read the
 * runs; a run must not be read again between its buffered write and the flush.
 */
export class RunWrites {
  private readonly claimed: ActionRecord[] = [];

  /**
   * @param claimActionsUntil when given, actions due by `claimActionsUntil - lease` are inserted already claimed by
   *   this process until that instant (`next_attempt_at`), and collected in {@link claimedActions}: the caller
   *   performs them after its commit without reading them back (the sender's claim, without its two statements).
   * @param now the present, with `claimActionsUntil`: only actions due by then are claimed.
   */
  constructor(
    private readonly claimActionsUntil?: number,
    private readonly now?: number,
  ) {}

  /** The actions flushed so far that were inserted claimed (see the constructor); the caller must perform them. */
  get claimedActions(): readonly ActionRecord[] {
    return this.claimed;
  }

  private readonly runs = new Map<string, RunRecord>();
  private readonly steps: { runId: string; n: number; record: StepRecord }[] = [];
  private readonly timers = new Map<string, number | undefined>();
  private readonly actions: ActionRecord[] = [];

  get size(): number {
    return this.runs.size + this.steps.length + this.timers.size + this.actions.length;
  }

  run(r: RunRecord): void {
    this.runs.set(r.id, r);
  }

  path(runId: string, from: number, records: readonly StepRecord[]): void {
    records.forEach((record, i) => this.steps.push({ runId, n: from + i, record }));
  }

  timer(runId: string, dueAt: number | undefined): void {
    this.timers.set(runId, dueAt);
  }

  action(a: ActionRecord): void {
    this.actions.push(a);
  }

  /** Writes everything collected (upserts: a run row may be new or updated) and empties the buffer. */
  async flush(sql: SqlExecutor): Promise<void> {
    for (const part of chunks([...this.runs.values()], RUN_CHUNK)) {
      await sql.execute(
        memo(
          runSql,
          part.length,
          (n) => `INSERT INTO workflow_runs (id, workflow_id, version, workspace_id, profile_id, run_key, status, step_id, state, path_len, exit_cause, entered_at, updated_at, ended_at)
         VALUES ${placeholders(n, 14)}
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status, step_id = excluded.step_id, state = excluded.state,
           path_len = excluded.path_len, exit_cause = excluded.exit_cause, updated_at = excluded.updated_at, ended_at = excluded.ended_at`,
        ),
        part.flatMap(runRowValues),
      );
    }
    for (const part of chunks(this.steps, STEP_CHUNK)) {
      await sql.execute(
        memo(stepSql, part.length, (n) => `INSERT INTO workflow_steps (run_id, n, step_id, outcome, at, detail) VALUES ${placeholders(n, 6)}`),
        part.flatMap(({ runId, n, record }) => {
          const { stepId, at, outcome, ...detail } = record;
          return [runId, n, stepId, outcome, at, Object.keys(detail).length === 0 ? null : toJson(detail)];
        }),
      );
    }
    const armed = [...this.timers].filter((t): t is [string, number] => t[1] !== undefined);
    const disarmed = [...this.timers].filter((t) => t[1] === undefined).map((t) => t[0]);
    for (const part of chunks(armed, STEP_CHUNK)) {
      await sql.execute(
        memo(timerSql, part.length, (n) => `INSERT INTO workflow_timers (run_id, due_at) VALUES ${placeholders(n, 2)} ON CONFLICT (run_id) DO UPDATE SET due_at = excluded.due_at`),
        part.flat(),
      );
    }
    for (const part of chunks(disarmed, STEP_CHUNK)) {
      await sql.execute(`DELETE FROM workflow_timers WHERE ${inList(sql, 'run_id', 1)}`, [inListParam(sql, part)]);
    }
    const until = this.claimActionsUntil;
    const now = this.now ?? -Infinity;
    for (const part0 of chunks(this.actions, RUN_CHUNK)) {
      const claiming = new Set<ActionRecord>();
      const part = until === undefined ? part0 : part0.map((a) => (a.nextAttemptAt <= now ? claim(claiming, { ...a, nextAttemptAt: until }) : a));
      // RETURNING: only the rows this statement inserted are handed over (a row already there is the sender's).
      const inserted = await sql.query<{ id: string }>(
        memo(
          actionSql,
          part.length,
          (n) => `INSERT INTO workflow_actions (id, run_id, workflow_id, version, workspace_id, profile_id, step_id, kind, target, payload, status, attempts, due_at, next_attempt_at)
         VALUES ${placeholders(n, 14)} ON CONFLICT (id) DO NOTHING RETURNING id`,
        ),
        part.flatMap((a) => [a.id, a.runId, a.workflowId, a.version, a.workspaceId, a.profileId, a.stepId, a.kind, a.target, toJson(a.payload), a.status, a.attempts, a.dueAt, a.nextAttemptAt]),
      );
      if (until !== undefined && inserted.length > 0) {
        const ids = new Set(inserted.map((r) => r.id));
        for (const a of part) if (claiming.has(a) && ids.has(a.id)) this.claimed.push(a);
      }
    }
    this.runs.clear();
    this.steps.length = 0;
    this.timers.clear();
    this.actions.length = 0;
  }
}
