import type { HistoryEvent } from '../../rules/index.js';
import { evaluate } from '../../rules/index.js';
import type { Step, WorkflowDefinition } from '../workflow-definition.js';

/** What the reference interpreter saw: each action as `[stepId, instant]`, and how and when the run ended. */
export interface ReferenceOutcome {
  readonly actions: readonly (readonly [string, number])[];
  readonly end?: { readonly cause: string; readonly at: number };
}

/**
 * A deliberately naive interpreter of a workflow for one run, for property tests: it walks the nested steps
 * directly (no compilation, no timers, no nextChange) and looks at the person once per `tick` of simulated time,
 * checking `goal` and `exit_when` at every tick. Correct whenever every instant that matters falls on the tick
 * grid (tests use whole-minute events, windows and waits). Supports wait (durations), if, webhook, set_trait, exit.
 */
export function referenceRun(definition: WorkflowDefinition, events: readonly HistoryEvent[], start: number, until: number, tick: number): ReferenceOutcome {
  const history = { events, traits: [] };
  const actions: [string, number][] = [];
  const stack: { steps: readonly Step[]; i: number }[] = [{ steps: definition.steps, i: 0 }];
  let waitingUntil = start;
  for (let t = start; t <= until; t += tick) {
    if (definition.goal && evaluate(definition.goal.condition, history, t)) return { actions, end: { cause: 'goal', at: t } };
    if (definition.exitWhen && evaluate(definition.exitWhen.condition, history, t)) return { actions, end: { cause: 'exit_when', at: t } };
    if (t < waitingUntil) continue;
    for (;;) {
      const frame = stack.at(-1);
      if (!frame) return { actions, end: { cause: 'completed', at: t } };
      const step = frame.steps[frame.i];
      if (!step) {
        stack.pop();
        continue;
      }
      frame.i += 1;
      if (step.kind === 'wait' && step.wait.kind === 'for') {
        waitingUntil = t + step.wait.ms;
        break;
      } else if (step.kind === 'if') {
        stack.push({ steps: evaluate(step.rule.condition, history, t) ? step.then : step.else, i: 0 });
      } else if (step.kind === 'action') {
        actions.push([step.id, t]);
      } else if (step.kind === 'exit') {
        return { actions, end: { cause: 'exit_step', at: t } };
      } else {
        throw new Error(`the reference interpreter does not support ${step.kind}`);
      }
    }
  }
  return { actions };
}
