import type { EvalEnv, HistoryEvent, ProfileHistory, TraitUpdate } from '../rules/index.js';
import { getPath, matchesSelector } from '../rules/index.js';
import { advanceRun } from './advance-run.js';
import { compileProgram, type Program } from './compile-program.js';
import { entryBlockedUntil } from './re-entry.js';
import { initialRunState, type Advance, type PlannedAction, type RunInput, type RunState, type StepRecord } from './run-state.js';
import type { WorkflowDefinition } from './workflow-definition.js';

/** One line of a scenario: an event, a trait update, or a membership change of a segment, at an instant. */
export type ScenarioItem =
  | { readonly kind: 'event'; readonly event: HistoryEvent }
  | { readonly kind: 'traits'; readonly update: TraitUpdate }
  | { readonly kind: 'entered' | 'exited'; readonly segment: string; readonly at: number };

/** One simulated run: its key, when it entered, its path and final state. */
export interface SimulatedRun {
  readonly runId: string;
  readonly key: string;
  readonly enteredAt: number;
  readonly path: readonly StepRecord[];
  readonly state: RunState;
}

/** What a simulation came to: every run with its path, and every action with its instant. */
export interface SimulationResult {
  readonly runs: readonly SimulatedRun[];
  readonly actions: readonly PlannedAction[];
  /** Triggers refused by the re-entry policy, with their instants. */
  readonly refused: readonly { readonly key: string; readonly at: number }[];
}

/** Options of {@link simulateWorkflow}. */
export interface SimulationOptions {
  /** Simulate up to this instant (default: the last scenario item + 400 days). */
  readonly until?: number;
  readonly env?: EvalEnv;
  /** Earlier sends of the person across workflows (frequency cap). */
  readonly sends?: readonly number[];
  /** Traits the person has before the scenario starts. */
  readonly traits?: Readonly<Record<string, unknown>>;
  /** Prefix of run ids (default `sim`). */
  readonly runPrefix?: string;
}

function timeOf(item: ScenarioItem): number {
  return item.kind === 'event' ? item.event.time : item.kind === 'traits' ? item.update.time : item.at;
}

/** The run key of an event for a keyed trigger, or undefined when the event does not trigger the workflow. */
export function triggerKeyOf(definition: WorkflowDefinition, event: HistoryEvent): string | undefined {
  const t = definition.trigger;
  if (t.kind !== 'event' || !matchesSelector(t.selector, event)) return undefined;
  if (!t.key) return '';
  const v = getPath(event.properties, t.key);
  return v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

interface Live {
  readonly runId: string;
  readonly key: string;
  readonly enteredAt: number;
  state: RunState;
  wakeAt: number | undefined;
  readonly path: StepRecord[];
}

/**
 * Runs a workflow for one made-up person over a scripted scenario on simulated time, with the same executor
 * ({@link advanceRun}) as the live runtime, and returns the path of each run and each action with its instant.
 * No side effects: nothing is stored or sent. Inputs at the same instant are taken in scenario order, before
 * timers due at that instant.
 */
export function simulateWorkflow(definition: WorkflowDefinition, scenario: readonly ScenarioItem[], options: SimulationOptions = {}, compiled?: Program): SimulationResult {
  const program = compiled ?? compileProgram(definition.steps);
  const items = scenario.map((item, i) => ({ item, i, at: timeOf(item) })).sort((a, b) => a.at - b.at || a.i - b.i);
  const start = items[0]?.at ?? 0;
  const events: HistoryEvent[] = [];
  const traits: TraitUpdate[] = options.traits ? [{ time: Number.MIN_SAFE_INTEGER, traits: options.traits }] : [];
  for (const { item } of items) {
    if (item.kind === 'event') events.push(item.event);
    if (item.kind === 'traits') traits.push(item.update);
  }
  // The whole scripted history is visible at once: the reference evaluator only ever reads what is at or before t.
  const history: ProfileHistory = { events, traits };
  const until = options.until ?? (items.at(-1)?.at ?? start) + 400 * 86_400_000;
  const runs: Live[] = [];
  const actions: PlannedAction[] = [];
  const refused: { key: string; at: number }[] = [];
  const sends = [...(options.sends ?? [])];
  const blocked = new Map<string, number>();
  const prefix = options.runPrefix ?? 'sim';

  const apply = (run: Live, input: RunInput): void => {
    const out: Advance = advanceRun(definition, program, run.state, input, { runId: run.runId, history, sends, ...(options.env ? { env: options.env } : {}) });
    run.state = out.state;
    run.wakeAt = out.wakeAt;
    run.path.push(...out.records);
    for (const a of out.actions) {
      actions.push(a);
      if (a.kind !== 'set_trait') sends.push(a.at);
    }
    if (out.state.status === 'ended') blocked.set(run.key, entryBlockedUntil(definition.reEntry, run.enteredAt, out.state.at));
  };
  const enter = (key: string, at: number): void => {
    if ((blocked.get(key) ?? Number.NEGATIVE_INFINITY) > at) {
      refused.push({ key, at });
      return;
    }
    blocked.set(key, Number.POSITIVE_INFINITY);
    const run: Live = { runId: `${prefix}-${runs.length + 1}`, key, enteredAt: at, state: initialRunState(at), wakeAt: undefined, path: [] };
    runs.push(run);
    apply(run, { kind: 'start', at });
  };
  const fireTimersBefore = (limit: number, inclusive: boolean): void => {
    for (;;) {
      let next: Live | undefined;
      for (const r of runs) {
        if (r.state.status !== 'active' || r.wakeAt === undefined) continue;
        if (r.wakeAt > until || (inclusive ? r.wakeAt > limit : r.wakeAt >= limit)) continue;
        if (!next || (r.wakeAt as number) < (next.wakeAt as number)) next = r;
      }
      if (!next) return;
      apply(next, { kind: 'timer', at: next.wakeAt as number });
    }
  };

  for (const { item, at } of items) {
    fireTimersBefore(at, false);
    const active = runs.filter((r) => r.state.status === 'active');
    switch (item.kind) {
      case 'event': {
        for (const r of active) apply(r, { kind: 'event', at, event: item.event });
        const key = triggerKeyOf(definition, item.event);
        if (key !== undefined) enter(key, at);
        break;
      }
      case 'traits':
        for (const r of active) apply(r, { kind: 'update', at });
        break;
      case 'entered':
      case 'exited':
        for (const r of active) apply(r, { kind: 'update', at });
        if (definition.trigger.kind === item.kind && definition.trigger.segment === item.segment) enter('', at);
        break;
    }
  }
  fireTimersBefore(until, true);
  return {
    runs: runs.map((r) => ({ runId: r.runId, key: r.key, enteredAt: r.enteredAt, path: r.path, state: r.state })),
    actions,
    refused,
  };
}
