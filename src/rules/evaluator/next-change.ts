import { assertNever } from '../../core/index.js';
import { durationMs } from '../ast/index.js';
import type { Condition, Duration, EventSelector, Window } from '../ast/index.js';
import type { ProfileHistory } from '../history.js';
import type { EvalEnv } from './eval-env.js';
import { evaluateIn } from './evaluate.js';
import { prepared } from './prepared-history.js';

/**
 * The earliest instant u > t at which the condition's value changes with no new data added to the history
 * (an event ageing out of a window, a sequence deadline passing, a stored future-dated event or update becoming
 * visible), or `undefined` if it never changes by time alone.
 *
 * Exact, not an over-approximation: the value of every construct, as a function of the evaluation instant, is
 * constant between consecutive {@link changeCandidates} (every break point has the form x + d for a stored time
 * x the condition reads and a duration d of the rule, or 0), so scanning the candidates in order and returning
 * the first where `evaluate` differs from its value at t gives the first change: for every s in [t, u) the value
 * equals the value at t, and at u it differs.
 */
export function nextChange(
  condition: Condition,
  history: ProfileHistory,
  t: number,
  env: EvalEnv = {},
): number | undefined {
  return nextChangeIn(condition, prepared(history), t, env, []);
}

/** `nextChange` inside an `in_segment` expansion (see `evaluateIn`). Exposed for `explain`; prefer `nextChange`. */
export function nextChangeIn(
  condition: Condition,
  history: ProfileHistory,
  t: number,
  env: EvalEnv,
  expanding: readonly string[],
): number | undefined {
  const h = prepared(history);
  const now = evaluateIn(condition, h, t, env, expanding);
  for (const candidate of changeCandidates(condition, h, t, env)) {
    if (evaluateIn(condition, h, candidate, env, expanding) !== now) return candidate;
  }
  return undefined;
}

/**
 * Every instant after t at which the condition's value *might* change by time alone, ascending: x + d for each
 * stored time x the condition reads (the times of events whose name a selector mentions — of every event for
 * `first_seen` / `last_seen` —, of trait updates for trait conditions and `email_eligible`, of subscription and
 * consent updates for subscription conditions, of score updates for scores; future-dated ones included) and each d
 * in {0} ∪ the durations the rule mentions (windows, `lapsed`, sequence `within`), looking through `in_segment`.
 * A superset of the real change instants; engines may use it to arm timers and `evaluate` to confirm.
 */
export function changeCandidates(
  condition: Condition,
  history: ProfileHistory,
  t: number,
  env: EvalEnv = {},
): number[] {
  const reads: Reads = {
    durations: new Set([0]),
    eventNames: new Set(),
    allEvents: false,
    traits: false,
    subscription: false,
    consent: false,
    scores: new Set(),
  };
  collectReads(condition, env, new Set(), reads);
  const times = new Set<number>();
  for (const event of history.events) if (reads.allEvents || reads.eventNames.has(event.name)) times.add(event.time);
  if (reads.traits) for (const update of history.traits) times.add(update.time);
  if (reads.subscription) for (const update of history.subscription ?? []) times.add(update.time);
  if (reads.consent) for (const update of history.consent ?? []) times.add(update.time);
  for (const update of history.scores ?? []) if (reads.scores.has(update.name)) times.add(update.time);
  const candidates = new Set<number>();
  for (const x of times) {
    for (const d of reads.durations) {
      const c = x + d;
      if (c > t && Number.isFinite(c)) candidates.add(c);
    }
  }
  return [...candidates].sort((a, b) => a - b);
}

/** What a condition reads from the history, and the durations it shifts those times by. */
interface Reads {
  readonly durations: Set<number>;
  readonly eventNames: Set<string>;
  allEvents: boolean;
  traits: boolean;
  subscription: boolean;
  consent: boolean;
  readonly scores: Set<string>;
}

function collectReads(condition: Condition, env: EvalEnv, visited: Set<string>, reads: Reads): void {
  const add = (duration: Duration): void => {
    reads.durations.add(durationMs(duration));
  };
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
  const addEvent = (selector: EventSelector): void => {
    reads.eventNames.add(selector.name);
  };
  switch (condition.kind) {
    case 'and':
    case 'or':
      for (const c of condition.conditions) collectReads(c, env, visited, reads);
      return;
    case 'not':
      collectReads(condition.condition, env, visited, reads);
      return;
    case 'trait':
      reads.traits = true;
      return;
    case 'consent':
      reads.consent = true;
      return;
    case 'experiment_arm':
      // a profile's arm is fixed by its id: nothing over time can change it
      return;
    case 'subscription':
      reads.subscription = true;
      if (condition.state === 'email_eligible') {
        reads.traits = true;
        reads.consent = true;
      }
      return;
    case 'performed':
    case 'first_performed':
      addEvent(condition.event);
      addWindow(condition.window);
      return;
    case 'lapsed':
      addEvent(condition.event);
      add(condition.duration);
      return;
    case 'metric': {
      const m = condition.metric;
      switch (m.kind) {
        case 'count':
          addEvent(m.event);
          break;
        case 'count_distinct':
        case 'sum':
        case 'avg':
        case 'min':
        case 'max':
          addEvent(m.property.event);
          break;
        case 'rate':
          addEvent(m.numerator);
          addEvent(m.denominator);
          break;
        case 'score':
          reads.scores.add(m.name);
          return;
        default:
          assertNever(m);
      }
      addWindow(m.window);
      return;
    }
    case 'sequence':
      addEvent(condition.first);
      addEvent(condition.then);
      add(condition.within);
      return;
    case 'seen':
      reads.allEvents = true;
      addWindow(condition.window);
      return;
    case 'in_segment': {
      const target = env.segments?.get(condition.segment);
      if (target === undefined || visited.has(condition.segment)) return;
      visited.add(condition.segment);
      collectReads(target, env, visited, reads);
      return;
    }
    default:
      assertNever(condition);
  }
}
