import { assertNever } from '../../core/index.js';
import type { Condition } from '../../rules/index.js';

/**
 * Whether a condition reads an experiment split (`in_experiment_arm`), directly or through the segments it
 * references. Such a rule's value on an empty history depends on the profile's id, so the probe with no id that
 * finds the segments holding on an empty history cannot decide it: the engine treats it as possibly holding.
 */
export function readsExperimentArm(c: Condition, segments: ReadonlyMap<string, Condition>, seen: Set<string> = new Set()): boolean {
  switch (c.kind) {
    case 'and':
    case 'or':
      return c.conditions.some((x) => readsExperimentArm(x, segments, seen));
    case 'not':
      return readsExperimentArm(c.condition, segments, seen);
    case 'experiment_arm':
      return true;
    case 'in_segment': {
      const target = segments.get(c.segment);
      if (target === undefined || seen.has(c.segment)) return false;
      seen.add(c.segment);
      return readsExperimentArm(target, segments, seen);
    }
    case 'trait':
    case 'performed':
    case 'first_performed':
    case 'lapsed':
    case 'metric':
    case 'sequence':
    case 'seen':
    case 'subscription':
    case 'consent':
      return false;
    default:
      return assertNever(c);
  }
}
