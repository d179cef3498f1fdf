import { newRunId } from './run-id.js';
import { historyFromEvents } from '../engine/index.js';
import type { ProfileHistory } from '../rules/index.js';
import type { Repos } from '../store/index.js';
import { ActionRepoSql } from './action-repo-sql.js';
import { advanceRun } from './advance-run.js';
import { entryBlockedUntil, NEVER } from './re-entry.js';
import { RunRepoSql, type RunRecord } from './run-repo-sql.js';
import { initialRunState, type Advance, type RunInput } from './run-state.js';
import type { LoadedVersion, WorkflowCatalog } from './workflow-catalog.js';
import type { WorkflowRecord } from './workflow-repo-sql.js';
import { RunWrites } from './run-writes.js';

/** Counts of what one pass did (for logs, metrics and tests). */
export interface AdvanceCounts {
  started: number;
  refused: number;
  advanced: number;
  actions: number;
}

/** A fresh set of counters. */
export function emptyCounts(): AdvanceCounts {
  return { started: 0, refused: 0, advanced: 0, actions: 0 };
}

/**
 * Runs the pure executor for stored runs inside the caller's transaction: loads what it reads (the person's
 * history from the event log, the workspace's segments, the person's recent sends), calls {@link advanceRun},
 * and writes everything it produced — run state, path entries, the run's timer, actions into the outbox, the
 * re-entry guard on the run's end — in that same transaction. A crash before commit leaves the run as it was
 * and the input unconsumed, so the replay recomputes the same result with the same action ids.
 */
export class RunAdvancer {
  private readonly histories = new Map<string, ProfileHistory>();

  constructor(private readonly catalog: WorkflowCatalog) {}

  /** Forget histories loaded in this pass (call at the start of each transaction). */
  reset(): void {
    this.histories.clear();
  }

  /**
   * Loads the histories of many people in one read per workspace ({@link EventRepo.historiesOf}) before a batch
   * advances their runs: a storm of waits ending together costs a few queries instead of one per run. The log up
   * to its head as of now, like the per-person read it replaces.
   */
  async preload(tx: Repos, people: Iterable<{ readonly workspaceId: string; readonly profileId: string }>): Promise<void> {
    const missing = new Map<string, Set<string>>();
    for (const { workspaceId, profileId } of people) {
      if (this.histories.has(`${workspaceId}\u0000${profileId}`)) continue;
      const set = missing.get(workspaceId) ?? new Set<string>();
      set.add(profileId);
      missing.set(workspaceId, set);
    }
    if (missing.size === 0) return;
    // Everything committed, as the per-person read does; not `headSeq()`: on PostgreSQL that read takes the
    // global-order barrier (SHARE on event_partitions), which inside this transaction would hold every append of
    // every process back until the whole batch of runs committed (measured: ingestion stalled behind it).
    for (const [workspaceId, ids] of missing) {
      const histories = await tx.events.historiesOf(workspaceId, [...ids], Number.MAX_SAFE_INTEGER);
      for (const id of ids) this.histories.set(`${workspaceId}\u0000${id}`, historyFromEvents(histories.get(id) ?? [], id));
    }
  }

  private async history(tx: Repos, workspaceId: string, profileId: string): Promise<ProfileHistory> {
    const key = `${workspaceId}\u0000${profileId}`;
    let h = this.histories.get(key);
    if (!h) {
      h = historyFromEvents(await tx.events.historyOf(workspaceId, profileId), profileId);
      this.histories.set(key, h);
    }
    return h;
  }

  /** Starts a run unless the re-entry guard refuses it; returns whether it started. */
  async start(tx: Repos, workflow: WorkflowRecord, loaded: LoadedVersion, profileId: string, key: string, at: number, counts: AdvanceCounts): Promise<boolean> {
    const runId = newRunId(at);
    if (!(await new RunRepoSql(tx.sql).tryEnter(workflow.id, profileId, key, runId, at, NEVER))) {
      counts.refused += 1;
      return false;
    }
    const run: RunRecord = {
      id: runId,
      workflowId: workflow.id,
      version: workflow.currentVersion,
      workspaceId: workflow.workspaceId,
      profileId,
      key,
      state: initialRunState(at),
      stepId: '(trigger)',
      pathLength: 0,
      enteredAt: at,
      updatedAt: at,
    };
    await new RunRepoSql(tx.sql).insert(run);
    counts.started += 1;
    await this.advance(tx, run, { kind: 'start', at }, counts, loaded);
    return true;
  }

  /**
   * Advances one stored run with one input and persists the outcome: at once, or into `writes` when given (the
   * caller flushes it in the same transaction; the timer storm path writes a whole batch in a few statements).
   */
  async advance(tx: Repos, run: RunRecord, input: RunInput, counts: AdvanceCounts, loadedVersion?: LoadedVersion, writes?: RunWrites): Promise<Advance> {
    const loaded = loadedVersion ?? (await this.catalog.version(tx.sql, run.workflowId, run.version));
    const { definition, program } = loaded;
    const history = await this.history(tx, run.workspaceId, run.profileId);
    const segments = await this.catalog.segmentsOf(run.workspaceId, input.at);
    const out_ = writes ?? new RunWrites();
    // The frequency cap reads the outbox: what is buffered must be in it first.
    if (definition.frequencyCap && out_.size > 0) await out_.flush(tx.sql);
    const sends = definition.frequencyCap ? await new ActionRepoSql(tx.sql).sendsOf(run.profileId, input.at - definition.frequencyCap.withinMs) : [];
    const out = advanceRun(definition, program, run.state, input, { runId: run.id, history, env: { segments: segments.byName }, sends });
    counts.advanced += 1;
    const ins = program.instructions[out.state.pc];
    const stepId = out.state.status === 'ended' ? (out.records.at(-1)?.stepId ?? run.stepId) : ins && 'stepId' in ins && ins.stepId ? ins.stepId : '(end)';
    out_.run({ ...run, state: out.state, stepId, pathLength: run.pathLength + out.records.length, updatedAt: out.state.at });
    out_.path(run.id, run.pathLength, out.records);
    out_.timer(run.id, out.state.status === 'active' ? out.wakeAt : undefined);
    for (const a of out.actions) {
      out_.action({
        id: a.id,
        runId: run.id,
        workflowId: run.workflowId,
        version: run.version,
        workspaceId: run.workspaceId,
        profileId: run.profileId,
        stepId: a.stepId,
        kind: a.kind,
        target: a.target,
        payload: a.kind === 'set_trait' ? { traits: a.traits ?? {} } : a.kind === 'add_to_list' || a.kind === 'remove_from_list' ? { list: a.list ?? '' } : {},
        status: 'pending',
        attempts: 0,
        dueAt: a.at,
        nextAttemptAt: a.at,
      });
      counts.actions += 1;
    }
    if (!writes) await out_.flush(tx.sql);
    if (out.state.status === 'ended') {
      await new RunRepoSql(tx.sql).release(run.workflowId, run.profileId, run.key, entryBlockedUntil(definition.reEntry, run.enteredAt, out.state.at));
    }
    return out;
  }
}
