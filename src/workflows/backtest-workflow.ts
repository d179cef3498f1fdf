import { historyFromEvents } from '../engine/index.js';
import type { Condition } from '../rules/index.js';
import type { Store } from '../store/index.js';
import { compileProgram } from './compile-program.js';
import { membershipTimeline } from './membership-timeline.js';
import { simulateWorkflow, type ScenarioItem } from './simulate-workflow.js';
import type { WorkflowDefinition } from './workflow-definition.js';

/** How many people would have reached each step and action, had the workflow run over the last days. */
export interface BacktestResult {
  readonly from: number;
  readonly to: number;
  readonly profilesScanned: number;
  /** People who entered at least once, and runs started. */
  readonly people: number;
  readonly runs: number;
  /** Runs that reached each step (any outcome at that step), for every step of the definition (0 when none). */
  readonly reached: Readonly<Record<string, number>>;
  /** Actions that would have been performed, per step. */
  readonly actions: Readonly<Record<string, number>>;
  /** Runs ended by each cause (`completed`, `goal`, `exit_when`, `exit_step`); runs still inside are `active`. */
  readonly ended: Readonly<Record<string, number>>;
  /** True when `maxProfiles` stopped the scan early. */
  readonly truncated: boolean;
}

/**
 * Replays the stored history of the last `days` days through a draft workflow, person by person, with the same
 * executor as the live runtime and no side effects. Membership triggers are derived from the trigger segment's
 * rule by the reference semantics (`membershipTimeline`), so the draft needs no engine state. Runs start only
 * inside the window; rules see the whole history before it (as they would live).
 */
export async function backtestWorkflow(
  store: Store,
  workspaceId: string,
  definition: WorkflowDefinition,
  options: { readonly days: number; readonly now: number; readonly segments: ReadonlyMap<string, Condition>; readonly maxProfiles?: number },
): Promise<BacktestResult> {
  const to = options.now;
  const from = to - options.days * 86_400_000;
  const program = compileProgram(definition.steps);
  const env = { segments: options.segments };
  const trigger = definition.trigger;
  const triggerRule = trigger.kind === 'event' ? undefined : options.segments.get(trigger.segment);
  // Every step, in the definition's order, also those nobody would reach (a branch nobody takes is a finding).
  const reached: Record<string, number> = Object.fromEntries([...program.pcOf.keys()].map((id) => [id, 0]));
  const actions: Record<string, number> = {};
  const ended: Record<string, number> = {};
  let scanned = 0;
  let people = 0;
  let runs = 0;
  let after: string | null = null;
  const max = options.maxProfiles ?? 100_000;
  for (;;) {
    const page = await store.profiles.list(workspaceId, after, 500);
    if (page.length === 0) break;
    for (const profile of page) {
      if (scanned >= max) break;
      scanned += 1;
      const history = historyFromEvents(await store.events.historyOf(workspaceId, profile.id));
      const items: ScenarioItem[] = [];
      for (const event of history.events) if (event.time > from && event.time <= to) items.push({ kind: 'event', event });
      if (triggerRule && trigger.kind !== 'event') {
        for (const c of membershipTimeline(triggerRule, history, from, to, env)) items.push({ kind: c.kind, segment: trigger.segment, at: c.at });
      }
      if (items.length === 0) continue;
      // Earlier history is visible to rules, but only items inside the window can trigger.
      const before = history.events.filter((e) => e.time <= from).map((event): ScenarioItem => ({ kind: 'event', event }));
      const traitItems = history.traits.map((update): ScenarioItem => ({ kind: 'traits', update }));
      const result = simulateWorkflow(definition, [...before, ...traitItems, ...items], { until: to, env, runPrefix: profile.id }, program);
      const inWindow = result.runs.filter((r) => r.enteredAt > from);
      if (inWindow.length === 0) continue;
      people += 1;
      runs += inWindow.length;
      for (const r of inWindow) {
        for (const id of new Set(r.path.map((p) => p.stepId))) if (!id.startsWith('(')) reached[id] = (reached[id] ?? 0) + 1;
        const cause = r.state.status === 'ended' ? (r.state.exitCause ?? 'completed') : 'active';
        ended[cause] = (ended[cause] ?? 0) + 1;
      }
      const ids = new Set(inWindow.map((r) => r.runId));
      for (const a of result.actions) if (ids.has(a.id.split('.')[0] ?? '')) actions[a.stepId] = (actions[a.stepId] ?? 0) + 1;
    }
    if (scanned >= max) break;
    after = page.at(-1)?.id ?? null;
  }
  return { from, to, profilesScanned: scanned, people, runs, reached, actions, ended, truncated: scanned >= max };
}
