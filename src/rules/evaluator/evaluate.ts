import { assertNever } from '../../core/index.js';
import { durationMs } from '../ast/index.js';
import type { Condition } from '../ast/index.js';
import type { ProfileHistory } from '../history.js';
import { inExperimentArm } from './arm-assignment.js';
import { emailEligibilityAt } from './email-eligibility-at.js';
import type { EvalEnv } from './eval-env.js';
import { getPath } from './get-path.js';
import { metricReadingAt } from './metric-reading-at.js';
import { countAtOrBefore, prepared } from './prepared-history.js';
import { sequenceReadingAt } from './sequence-reading-at.js';
import { consentGrantedAt } from './consent-granted-at.js';
import { subscriptionStatusAt } from './subscription-status-at.js';
import { compareOrdered, testValue } from './test-value.js';
import { traitsAt } from './traits-at.js';
import { selectEvents } from './visible-events.js';
import { inBounds, windowBounds } from './window-bounds.js';

/**
 * The reference evaluator: whether the profile with this history satisfies the condition at instant t.
 * Written to be obviously right, not fast; every engine must agree with it exactly. Only what happened at or
 * before t is visible (events, trait / subscription / consent / score updates with time ≤ t). The precise
 * meaning of each construct is in docs/rule-semantics.md.
 */
export function evaluate(condition: Condition, history: ProfileHistory, t: number, env: EvalEnv = {}): boolean {
  return evaluateIn(condition, prepared(history), t, env, []);
}

/**
 * `evaluate` with the chain of segment names being expanded, so that an `in_segment` reference closing a cycle is
 * false instead of looping. Exposed for `explain` and `nextChange`, which pass a `PreparedHistory` so that many
 * evaluations share one sort; prefer `evaluate`.
 */
export function evaluateIn(
  condition: Condition,
  history: ProfileHistory,
  t: number,
  env: EvalEnv,
  expanding: readonly string[],
): boolean {
  history = prepared(history);
  switch (condition.kind) {
    case 'and':
      return condition.conditions.every((c) => evaluateIn(c, history, t, env, expanding));
    case 'or':
      return condition.conditions.some((c) => evaluateIn(c, history, t, env, expanding));
    case 'not':
      return !evaluateIn(condition.condition, history, t, env, expanding);
    case 'trait':
      return testValue(condition.test, getPath(traitsAt(history, t), condition.path));
    case 'performed':
      return selectEvents(history, condition.event, condition.window, t).length > 0;
    case 'first_performed': {
      const first = selectEvents(history, condition.event, undefined, t)[0];
      return first !== undefined && inBounds(windowBounds(condition.window, t), first.time);
    }
    case 'lapsed': {
      const latest = selectEvents(history, condition.event, undefined, t).at(-1);
      return latest !== undefined && latest.time <= t - durationMs(condition.duration);
    }
    case 'metric': {
      const { value } = metricReadingAt(condition.metric, history, t);
      return value !== undefined && compareOrdered(condition.op, value, condition.value.value);
    }
    case 'sequence':
      return sequenceReadingAt(condition, history, t).holds;
    case 'seen': {
      const time = seenTimeAt(history, condition.which, t);
      return time !== undefined && inBounds(windowBounds(condition.window, t), time);
    }
    case 'in_segment': {
      const target = env.segments?.get(condition.segment);
      if (target === undefined || expanding.includes(condition.segment)) return false;
      return evaluateIn(target, history, t, env, [...expanding, condition.segment]);
    }
    case 'subscription':
      return condition.state === 'subscribed'
        ? subscriptionStatusAt(history, t) === 'subscribed'
        : emailEligibilityAt(history, t).eligible;
    case 'consent':
      return consentGrantedAt(history, t, condition.category);
    case 'experiment_arm':
      return inExperimentArm(condition, history.profileId);
    default:
      return assertNever(condition);
  }
}

/** The time of the profile's first (or latest) visible event of any name as of t; `undefined` if none. */
export function seenTimeAt(history: ProfileHistory, which: 'first' | 'last', t: number): number | undefined {
  const events = prepared(history).events;
  const visible = countAtOrBefore(events, t);
  if (visible === 0) return undefined;
  return events[which === 'first' ? 0 : visible - 1]?.time;
}
