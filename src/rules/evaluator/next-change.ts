import { assertNever } from '../../core/index.js';
import { durationMs } from '../ast/index.js';
import type { Condition, Duration, Window } from '../ast/index.js';
import type { ProfileHistory } from '../history.js';
import type { EvalEnv } from './eval-env.js';
import { evaluateIn } from './evaluate.js';

/**
 * The earliest instant u > t at which the condition's value changes with no new data added to the history
 * (an event ageing out of a window, a sequence deadline passing, a stored future-dated event or update becoming
 * visible), or `undefined` if it never changes by time alone.
 *
 * Exact, not an over-approximation: the value of every construct, as a function of the evaluation instant, is
 * constant between consecutive {@link changeCandidates} (every break point has the form x + d for a stored time x
 * and a duration d of the rule, or 0), so scanning the candidates in order and returning the first where
 * `evaluate` differs from its value at t gives the first change; for every s in [t, u) the value equals the
 * value at t, and at u it differs.
 */
export function nextChange(condition: Condition, history: ProfileHistory, t: number, env: EvalEnv = {}): number | undefined {
  return nextChangeIn(condition, history, t, env, []);
}

/** `nextChange` inside an `in_segment` expansion (see `evaluateIn`). Exposed for `explain`; prefer `nextChange`. */
export function nextChangeIn(
  condition: Condition,
  history: ProfileHistory,
  t: number,
  env: EvalEnv,
  expanding: readonly string[],
): number | undefined {
  const now = evaluateIn(condition, history, t, env, expanding);
  for (const candidate of changeCandidates(condition, history, t, env)) {
    if (evaluateIn(condition, history, candidate, env, expanding) !== now) return candidate;
  }
  return undefined;
}

/**
 * Every instant after t at which the condition's value *might* change by time alone, ascending: x + d for each
 * stored time x (events, trait / subscription / consent / score updates, future-dated ones included) and each d
 * in {0} ∪ the durations the rule mentions (windows, `lapsed`, sequence `within`, through `in_segment` too).
 * A superset of the real change instants; engines may use it to arm timers and `evaluate` to confirm.
 */
export function changeCandidates(condition: Condition, history: ProfileHistory, t: number, env: EvalEnv = {}): number[] {
  const durations = new Set<number>([0]);
  collectDurations(condition, env, new Set(), durations);
  const times = new Set<number>();
  for (const event of history.events) times.add(event.time);
  for (const update of history.traits) times.add(update.time);
  for (const update of history.subscription ?? []) times.add(update.time);
  for (const update of history.consent ?? []) times.add(update.time);
  for (const update of history.scores ?? []) times.add(update.time);
  const candidates = new Set<number>();
  for (const x of times) {
    for (const d of durations) {
      const c = x + d;
      if (c > t && Number.isFinite(c)) candidates.add(c);
    }
  }
  return [...candidates].sort((a, b) => a - b);
}

function collectDurations(condition: Condition, env: EvalEnv, visited: Set<string>, out: Set<number>): void {
  const addWindow = (window: Window | undefined): void => {
    if (window === undefined) return;
    switch (window.kind) {
      case 'within':
      case 'before':
        add(window.duration);
        return;
      case 'between':
        add(window.from);
        add(window.to);
        return;
      default:
        assertNever(window);
    }
  };
  const add = (duration: Duration): void => {
    out.add(durationMs(duration));
  };
  switch (condition.kind) {
    case 'and':
    case 'or':
      for (const c of condition.conditions) collectDurations(c, env, visited, out);
      return;
    case 'not':
      collectDurations(condition.condition, env, visited, out);
      return;
    case 'trait':
    case 'subscription':
      return;
    case 'performed':
    case 'first_performed':
      addWindow(condition.window);
      return;
    case 'lapsed':
      add(condition.duration);
      return;
    case 'metric':
      if (condition.metric.kind !== 'score') addWindow(condition.metric.window);
      return;
    case 'sequence':
      add(condition.within);
      return;
    case 'seen':
      addWindow(condition.window);
      return;
    case 'in_segment': {
      const target = env.segments?.get(condition.segment);
      if (target === undefined || visited.has(condition.segment)) return;
      visited.add(condition.segment);
      collectDurations(target, env, visited, out);
      return;
    }
    default:
      assertNever(condition);
  }
}
