import type { Clock } from '../core/index.js';
import { newId } from '../core/index.js';
import type { Store } from '../store/index.js';
import { ActionRepoSql, type ActionRecord } from './action-repo-sql.js';
import { backtestWorkflow, type BacktestResult } from './backtest-workflow.js';
import { compileProgram } from './compile-program.js';
import { parseScenario, type ScenarioProblem } from './scenario-jsonl.js';
import { simulateWorkflow, type SimulationResult } from './simulate-workflow.js';
import { parseWorkflow, type WorkflowContext } from './parse-workflow.js';
import { RunRepoSql, type RunRecord } from './run-repo-sql.js';
import { stepCounts, type StepCounts } from './step-counts-sql.js';
import type { RunState, StepRecord } from './run-state.js';
import { WorkflowCatalog, type SegmentDirectory } from './workflow-catalog.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import type { WorkflowProblem } from './workflow-problem.js';
import { WorkflowRepoSql, type WorkflowRecord, type WorkflowStatus } from './workflow-repo-sql.js';
import { WorkflowTimerRepoSql } from './workflow-timer-repo-sql.js';

/** Expected failures of workflow operations, as values. */
export type WorkflowFailure =
  | { readonly kind: 'invalid'; readonly problems: readonly WorkflowProblem[] }
  | { readonly kind: 'not_found'; readonly what: 'workflow' | 'version' | 'profile'; readonly id: string }
  | { readonly kind: 'name_taken'; readonly name: string }
  | { readonly kind: 'unmapped_steps'; readonly steps: readonly string[] }
  | { readonly kind: 'archived'; readonly id: string }
  | { readonly kind: 'invalid_scenario'; readonly problems: readonly ScenarioProblem[] };

/** A result: the value, or an expected failure. */
export type WorkflowResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WorkflowFailure };

/** A workflow as shown: its record, the current version's definition as given, and warnings when just saved. */
export interface WorkflowView extends WorkflowRecord {
  readonly definition: unknown;
  readonly warnings?: readonly WorkflowProblem[];
  /** False when saving changed nothing (same definition as the current version). */
  readonly changed?: boolean;
}

/** One version's numbers: people at each step now, entries, exits by cause, goal reached, actions by status. */
export interface VersionStats {
  readonly version: number;
  readonly entered: number;
  readonly active: number;
  readonly atStep: Readonly<Record<string, number>>;
  readonly exited: Readonly<Record<string, number>>;
  readonly goalReached: number;
  readonly actions: { readonly pending: number; readonly sent: number; readonly failed: number };
  /** Per step id: how runs passed it (outcomes of their paths) and its actions by status. */
  readonly steps: Readonly<Record<string, StepCounts>>;
}

/** One run of a person with its path and actions. */
export interface RunView {
  readonly id: string;
  readonly workflowId: string;
  readonly version: number;
  readonly profileId: string;
  readonly key: string;
  readonly status: RunState['status'];
  readonly stepId: string;
  readonly exitCause: string | null;
  readonly enteredAt: number;
  readonly updatedAt: number;
  readonly path: readonly StepRecord[];
  readonly actions: readonly Pick<ActionRecord, 'id' | 'stepId' | 'kind' | 'target' | 'status' | 'attempts' | 'dueAt'>[];
}

/** One line of a migration's step mapping: how many people at step `from` go to step `to`. */
export interface MigrationStep {
  readonly from: string;
  readonly to: string;
  readonly people: number;
  /** Of them, people waiting on a wait of the same kind, who keep their wait's instant (the others start `to` now). */
  readonly keepWait: number;
}

/** What a migration did — or, with `dryRun`, would do (nothing was written). */
export interface MigrationResult {
  readonly migrated: number;
  readonly dryRun: boolean;
  readonly steps: readonly MigrationStep[];
}

/** What the service needs. */
export interface WorkflowServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly segments: SegmentDirectory;
  /** Registered destination names of a workspace (webhook steps must name one). */
  readonly destinationNames?: (workspaceId: string) => Promise<ReadonlySet<string>>;
  /** Called after anything the runtime should act on (saved, resumed, migrated). */
  readonly onChange?: () => void;
}

const fail = <T>(error: WorkflowFailure): WorkflowResult<T> => ({ ok: false, error });
const MAX_RUNS_SHOWN = 50;

/**
 * Workflow administration: validate and save (every edit of a definition is a new version; people inside finish on
 * the version they entered with), pause / resume / archive, migrate runs of an old version to the current one by a
 * step mapping, and the read side (numbers per version and step, a person's runs with their paths).
 */
export class WorkflowService {
  private readonly catalog: WorkflowCatalog;

  constructor(private readonly options: WorkflowServiceOptions) {
    this.catalog = new WorkflowCatalog(options.segments, 0);
  }

  /**
   * Runs a definition over a scripted scenario (JSON Lines text) for a made-up person, with the workspace's
   * segments, without side effects. An invalid definition or scenario is an expected failure.
   */
  async simulate(
    workspaceId: string,
    source: unknown,
    scenarioText: string,
    options: { readonly until?: number; readonly traits?: Readonly<Record<string, unknown>> } = {},
  ): Promise<WorkflowResult<SimulationResult>> {
    const checked = await this.validate(workspaceId, source);
    if (!checked.ok) return checked;
    const scenario = parseScenario(scenarioText);
    if (!scenario.ok) return fail({ kind: 'invalid_scenario', problems: scenario.problems });
    const segments = (await this.catalog.segmentsOf(workspaceId, this.options.clock.now())).byName;
    return { ok: true, value: simulateWorkflow(checked.value.definition, scenario.items, { ...options, env: { segments } }) };
  }

  /** Replays the last `days` days of stored events through a draft definition (see {@link backtestWorkflow}). */
  async backtest(workspaceId: string, source: unknown, days: number, maxProfiles?: number): Promise<WorkflowResult<BacktestResult>> {
    const checked = await this.validate(workspaceId, source);
    if (!checked.ok) return checked;
    const segments = (await this.catalog.segmentsOf(workspaceId, this.options.clock.now())).byName;
    return {
      ok: true,
      value: await backtestWorkflow(this.options.store, workspaceId, checked.value.definition, {
        days,
        now: this.options.clock.now(),
        segments,
        ...(maxProfiles === undefined ? {} : { maxProfiles }),
      }),
    };
  }

  /** The context rules and references are checked against: the workspace's segments and destinations. */
  async context(workspaceId: string): Promise<WorkflowContext> {
    const segments = await this.catalog.segmentsOf(workspaceId, this.options.clock.now());
    return {
      segments: segments.byName,
      ...(this.options.destinationNames ? { destinations: await this.options.destinationNames(workspaceId) } : {}),
    };
  }

  /** Validates a definition (plain data) against the workspace without saving. */
  async validate(workspaceId: string, source: unknown): Promise<WorkflowResult<{ definition: WorkflowDefinition; warnings: readonly WorkflowProblem[] }>> {
    const parsed = parseWorkflow(source, await this.context(workspaceId));
    return parsed.ok ? { ok: true, value: { definition: parsed.value, warnings: parsed.warnings } } : fail({ kind: 'invalid', problems: parsed.problems });
  }

  async list(workspaceId: string): Promise<WorkflowView[]> {
    const repo = new WorkflowRepoSql(this.options.store.sql);
    const out: WorkflowView[] = [];
    for (const w of await repo.list(workspaceId)) out.push({ ...w, definition: (await repo.version(w.id, w.currentVersion))?.source });
    return out;
  }

  async get(workspaceId: string, idOrName: string): Promise<WorkflowResult<WorkflowView>> {
    const repo = new WorkflowRepoSql(this.options.store.sql);
    const w = await repo.get(workspaceId, idOrName);
    if (!w) return fail({ kind: 'not_found', what: 'workflow', id: idOrName });
    return { ok: true, value: { ...w, definition: (await repo.version(w.id, w.currentVersion))?.source } };
  }

  /** Creates a workflow, or — when one with the same name exists — saves the definition as its next version. */
  async save(workspaceId: string, source: unknown): Promise<WorkflowResult<WorkflowView>> {
    const checked = await this.validate(workspaceId, source);
    if (!checked.ok) return checked;
    const repo = new WorkflowRepoSql(this.options.store.sql);
    const now = this.options.clock.now();
    const existing = await repo.get(workspaceId, checked.value.definition.name);
    if (existing && existing.name === checked.value.definition.name) return this.update(workspaceId, existing.id, source);
    const record: WorkflowRecord = { id: newId('wf'), workspaceId, name: checked.value.definition.name, status: 'active', currentVersion: 1, createdAt: now, updatedAt: now };
    try {
      await repo.insert(record, source);
    } catch (error) {
      if (await repo.get(workspaceId, record.name)) return fail({ kind: 'name_taken', name: record.name });
      throw error;
    }
    this.options.onChange?.();
    return { ok: true, value: { ...record, definition: source, warnings: checked.value.warnings, changed: true } };
  }

  /** Saves a new version of an existing workflow (unchanged definitions make no version). */
  async update(workspaceId: string, idOrName: string, source: unknown): Promise<WorkflowResult<WorkflowView>> {
    const repo = new WorkflowRepoSql(this.options.store.sql);
    const w = await repo.get(workspaceId, idOrName);
    if (!w) return fail({ kind: 'not_found', what: 'workflow', id: idOrName });
    if (w.status === 'archived') return fail({ kind: 'archived', id: w.id });
    const checked = await this.validate(workspaceId, source);
    if (!checked.ok) return checked;
    if (checked.value.definition.name !== w.name) {
      return fail({ kind: 'invalid', problems: [{ code: 'WF019', severity: 'error', path: 'name', message: `Invalid value: the name cannot change (it is "${w.name}")` }] });
    }
    const current = await repo.version(w.id, w.currentVersion);
    if (JSON.stringify(current?.source) === JSON.stringify(source)) {
      return { ok: true, value: { ...w, definition: source, warnings: checked.value.warnings, changed: false } };
    }
    const version = await repo.addVersion(w.id, source, this.options.clock.now());
    this.options.onChange?.();
    return { ok: true, value: { ...w, currentVersion: version, definition: source, warnings: checked.value.warnings, changed: true } };
  }

  /** Pauses (everyone holds at their step, nobody enters) or resumes. */
  async setPaused(workspaceId: string, idOrName: string, paused: boolean): Promise<WorkflowResult<WorkflowView>> {
    const repo = new WorkflowRepoSql(this.options.store.sql);
    const w = await repo.get(workspaceId, idOrName);
    if (!w) return fail({ kind: 'not_found', what: 'workflow', id: idOrName });
    if (w.status === 'archived') return fail({ kind: 'archived', id: w.id });
    const status: WorkflowStatus = paused ? 'paused' : 'active';
    await repo.setStatus(w.id, status, this.options.clock.now());
    this.options.onChange?.();
    return this.get(workspaceId, w.id);
  }

  /** Archives: every active run exits (cause `archived`) at this instant; nobody enters again. */
  async archive(workspaceId: string, idOrName: string): Promise<WorkflowResult<WorkflowView & { readonly exited: number }>> {
    const { store, clock } = this.options;
    const w = await new WorkflowRepoSql(store.sql).get(workspaceId, idOrName);
    if (!w) return fail({ kind: 'not_found', what: 'workflow', id: idOrName });
    const now = clock.now();
    const exited = await store.transaction(async (tx) => {
      await new WorkflowRepoSql(tx.sql).setStatus(w.id, 'archived', now);
      const runs = new RunRepoSql(tx.sql);
      const active = await runs.activeOfWorkflow(w.id);
      for (const run of active) {
        const state: RunState = { ...run.state, status: 'ended', exitCause: 'archived', at: Math.max(now, run.state.at) };
        await runs.update({ ...run, state, updatedAt: state.at, pathLength: run.pathLength + 1 });
        await runs.appendSteps(run.id, run.pathLength, [{ stepId: run.stepId, at: state.at, outcome: 'exited', cause: 'archived' }]);
        await new WorkflowTimerRepoSql(tx.sql).set(run.id, undefined);
      }
      return active.length;
    });
    const view = await this.get(workspaceId, w.id);
    return view.ok ? { ok: true, value: { ...view.value, exited } } : view;
  }

  /**
   * Moves the active runs of `fromVersion` to the current version. Each run goes to the step with the same id, or
   * to `mapping[its step]`; a run waiting on a wait of the same kind keeps its wait's instant, any other run starts
   * its new step now. When a step has no counterpart, nothing moves and the unmapped steps are returned.
   */
  async migrate(
    workspaceId: string,
    idOrName: string,
    fromVersion: number,
    mapping: Readonly<Record<string, string>> = {},
    options: { readonly dryRun?: boolean } = {},
  ): Promise<WorkflowResult<MigrationResult>> {
    const { store, clock } = this.options;
    const w = await new WorkflowRepoSql(store.sql).get(workspaceId, idOrName);
    if (!w) return fail({ kind: 'not_found', what: 'workflow', id: idOrName });
    if (!(await new WorkflowRepoSql(store.sql).version(w.id, fromVersion))) return fail({ kind: 'not_found', what: 'version', id: String(fromVersion) });
    const target = await this.catalog.current(store.sql, w);
    const source = await this.catalog.version(store.sql, w.id, fromVersion);
    const now = clock.now();
    const result = await store.transaction(async (tx): Promise<WorkflowResult<MigrationResult>> => {
      const runs = new RunRepoSql(tx.sql);
      const active = (await runs.activeOfWorkflow(w.id, fromVersion)).filter(() => fromVersion !== w.currentVersion);
      const unmapped = new Set<string>();
      const moves: { run: RunRecord; state: RunState; stepId: string }[] = [];
      for (const run of active) {
        const to = mapping[run.stepId] ?? run.stepId;
        const pc = target.program.pcOf.get(to);
        if (pc === undefined) {
          unmapped.add(run.stepId);
          continue;
        }
        const oldIns = source.program.instructions[run.state.pc];
        const newIns = target.program.instructions[pc];
        const keepWait = run.state.wait !== undefined && oldIns?.op === newIns?.op;
        const state: RunState = keepWait ? { ...run.state, pc } : { status: 'active', pc, executed: run.state.executed, at: Math.max(now, run.state.at) };
        moves.push({ run, state, stepId: to });
      }
      if (unmapped.size > 0) return fail({ kind: 'unmapped_steps', steps: [...unmapped].sort() });
      const byStep = new Map<string, MigrationStep>();
      for (const m of moves) {
        const key = `${m.run.stepId}\u0000${m.stepId}`;
        const was = byStep.get(key) ?? { from: m.run.stepId, to: m.stepId, people: 0, keepWait: 0 };
        byStep.set(key, { ...was, people: was.people + 1, keepWait: was.keepWait + (m.state.wait !== undefined ? 1 : 0) });
      }
      const steps = [...byStep.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
      if (options.dryRun) return { ok: true, value: { migrated: moves.length, dryRun: true, steps } };
      const timers = new WorkflowTimerRepoSql(tx.sql);
      for (const m of moves) {
        await runs.update({ ...m.run, version: w.currentVersion, state: m.state, stepId: m.stepId, updatedAt: now });
        const w8 = m.state.wait;
        await timers.set(m.run.id, w8 ? (w8.kind === 'until' ? w8.timeoutAt : w8.until) : m.state.at);
      }
      return { ok: true, value: { migrated: moves.length, dryRun: false, steps } };
    });
    if (result.ok && !options.dryRun) this.options.onChange?.();
    return result;
  }

  /** Numbers per version (see {@link VersionStats}). */
  async stats(workspaceId: string, idOrName: string): Promise<WorkflowResult<VersionStats[]>> {
    const { store } = this.options;
    const w = await new WorkflowRepoSql(store.sql).get(workspaceId, idOrName);
    if (!w) return fail({ kind: 'not_found', what: 'workflow', id: idOrName });
    const byVersion = new Map<number, { entered: number; active: number; atStep: Record<string, number>; exited: Record<string, number>; actions: { pending: number; sent: number; failed: number } }>();
    const of = (v: number): NonNullable<ReturnType<typeof byVersion.get>> => {
      let s = byVersion.get(v);
      if (!s) byVersion.set(v, (s = { entered: 0, active: 0, atStep: {}, exited: {}, actions: { pending: 0, sent: 0, failed: 0 } }));
      return s;
    };
    for (let v = 1; v <= w.currentVersion; v++) of(v);
    for (const row of await new RunRepoSql(store.sql).stats(w.id)) {
      const s = of(row.version);
      s.entered += row.n;
      if (row.status === 'active') {
        s.active += row.n;
        s.atStep[row.stepId] = (s.atStep[row.stepId] ?? 0) + row.n;
      } else {
        const cause = row.exitCause ?? 'unknown';
        s.exited[cause] = (s.exited[cause] ?? 0) + row.n;
      }
    }
    for (const row of await new ActionRepoSql(store.sql).counts(w.id)) of(row.version).actions[row.status] += row.n;
    const steps = await stepCounts(store.sql, w.id);
    return {
      ok: true,
      value: [...byVersion.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([version, s]) => ({ version, ...s, goalReached: s.exited.goal ?? 0, steps: steps.get(version) ?? {} })),
    };
  }

  /** One version's definition as it was saved, and when. */
  async version(workspaceId: string, idOrName: string, version: number): Promise<WorkflowResult<{ version: number; definition: unknown; createdAt: number }>> {
    const repo = new WorkflowRepoSql(this.options.store.sql);
    const w = await repo.get(workspaceId, idOrName);
    if (!w) return fail({ kind: 'not_found', what: 'workflow', id: idOrName });
    const v = await repo.version(w.id, version);
    if (!v) return fail({ kind: 'not_found', what: 'version', id: String(version) });
    return { ok: true, value: { version, definition: v.source, createdAt: v.createdAt } };
  }

  /** A person's runs of a workflow (newest first), each with its path and actions. `profileRef`: a profile id (a merged-away one finds its survivor's), user id, email or anonymous id. */
  async runs(workspaceId: string, idOrName: string, profileRef: string): Promise<WorkflowResult<RunView[]>> {
    const { store } = this.options;
    const w = await new WorkflowRepoSql(store.sql).get(workspaceId, idOrName);
    if (!w) return fail({ kind: 'not_found', what: 'workflow', id: idOrName });
    const byId = await store.profiles.get(workspaceId, profileRef);
    // A merged-away profile's runs moved to its survivor (see merge-runs.ts): its id still finds them.
    const profileId =
      (byId ? (byId.mergedInto ?? byId.id) : undefined) ??
      (await store.profiles.findByIdentity(workspaceId, 'user_id', profileRef)) ??
      (await store.profiles.findByIdentity(workspaceId, 'email', profileRef.trim().toLowerCase())) ??
      (await store.profiles.findByIdentity(workspaceId, 'anonymous_id', profileRef));
    if (!profileId) return fail({ kind: 'not_found', what: 'profile', id: profileRef });
    const runsRepo = new RunRepoSql(store.sql);
    const actions = new ActionRepoSql(store.sql);
    const out: RunView[] = [];
    for (const r of await runsRepo.ofProfile(w.id, profileId, MAX_RUNS_SHOWN)) {
      out.push({
        id: r.id,
        workflowId: r.workflowId,
        version: r.version,
        profileId: r.profileId,
        key: r.key,
        status: r.state.status,
        stepId: r.stepId,
        exitCause: r.state.exitCause ?? null,
        enteredAt: r.enteredAt,
        updatedAt: r.updatedAt,
        path: await runsRepo.steps(r.id),
        actions: (await actions.ofRun(r.id)).map(({ id, stepId, kind, target, status, attempts, dueAt }) => ({ id, stepId, kind, target, status, attempts, dueAt })),
      });
    }
    return { ok: true, value: out };
  }

  /** The version's compiled step ids (for migration mappings and the CLI). */
  async stepIds(workspaceId: string, idOrName: string, version?: number): Promise<WorkflowResult<string[]>> {
    const w = await new WorkflowRepoSql(this.options.store.sql).get(workspaceId, idOrName);
    if (!w) return fail({ kind: 'not_found', what: 'workflow', id: idOrName });
    const loaded = await this.catalog.version(this.options.store.sql, w.id, version ?? w.currentVersion);
    return { ok: true, value: [...compileProgram(loaded.definition.steps).pcOf.keys()] };
  }
}
