import { assertNever } from '../../core/index.js';
import { durationMs } from '../../rules/index.js';
import type { Condition } from '../../rules/index.js';
import {
  compareOrdered,
  consentGrantedAt,
  emailEligibilityAt,
  getPath,
  inBounds,
  inExperimentArm,
  subscriptionStatusAt,
  testValue,
  windowBounds,
} from '../rules-api.js';
import type { CompiledCondition } from './compiled-rule.js';
import { compileMetric } from './compile-metric.js';
import { compileSequence } from './compile-sequence.js';
import { compileExists, compileFirstAtOrBefore, compileLatestAtOrBefore } from './select-events.js';

/**
 * Compiles a condition into closures, once per rule version: the compiled evaluator visitor (one visitor per
 * target, beside the reference evaluator). Each case mirrors the reference `evaluateIn` exactly, reading the
 * compact profile state instead of the full history.
 */
export function compileCondition(c: Condition): CompiledCondition {
  switch (c.kind) {
    case 'and': {
      // Conditions are pure, so their order does not change the result: cheap ones first short-circuit more.
      const parts = byCost(c.conditions).map(compileCondition);
      return (cx, t) => parts.every((p) => p(cx, t));
    }
    case 'or': {
      const parts = byCost(c.conditions).map(compileCondition);
      return (cx, t) => parts.some((p) => p(cx, t));
    }
    case 'not': {
      const inner = compileCondition(c.condition);
      return (cx, t) => !inner(cx, t);
    }
    case 'trait': {
      const { path, test } = c;
      return (cx, t) => testValue(test, getPath(cx.traits(t), path));
    }
    case 'performed': {
      return compileExists(c.event, c.window);
    }
    case 'first_performed': {
      const window = c.window;
      const pickFirst = compileFirstAtOrBefore(c.event);
      return (cx, t) => {
        const first = pickFirst(cx, t);
        return first !== undefined && inBounds(windowBounds(window, t), first.time);
      };
    }
    case 'lapsed': {
      const pickLatest = compileLatestAtOrBefore(c.event);
      const d = durationMs(c.duration);
      return (cx, t) => {
        const latest = pickLatest(cx, t);
        return latest !== undefined && latest.time <= t - d;
      };
    }
    case 'metric': {
      const metric = compileMetric(c.metric);
      const { op } = c;
      const bound = c.value.value;
      return (cx, t) => {
        const value = metric(cx, t);
        return value !== undefined && compareOrdered(op, value, bound);
      };
    }
    case 'sequence':
      return compileSequence(c);
    case 'seen': {
      const { which, window } = c;
      return (cx, t) => {
        const s = cx.state;
        const time = which === 'first' ? (s.minActivity <= t ? s.minActivity : undefined) : s.lastActivityAt(t);
        return time !== undefined && inBounds(windowBounds(window, t), time);
      };
    }
    case 'in_segment': {
      const name = c.segment;
      return (cx, t) => {
        const target = cx.segments.get(name);
        if (target === undefined || cx.expanding.includes(name)) return false;
        cx.expanding.push(name);
        try {
          return target.holds(cx, t);
        } finally {
          cx.expanding.pop();
        }
      };
    }
    case 'subscription':
      return c.state === 'subscribed'
        ? (cx, t) => subscriptionStatusAt(cx.state.updatesHistory, t) === 'subscribed'
        : (cx, t) => emailEligibilityAt(cx.state.updatesHistory, t).eligible;
    case 'consent': {
      const category = c.category;
      return (cx, t) => consentGrantedAt(cx.state.updatesHistory, t, category);
    }
    case 'experiment_arm': {
      // fixed per profile: hashed once per evaluation, the same function the reference evaluator calls
      const node = c;
      return (cx) => inExperimentArm(node, cx.state.profileId);
    }
    default:
      return assertNever(c);
  }
}

/** The conditions ordered by a rough evaluation cost (stable): index lookups, then window scans, then the rest. */
function byCost(conditions: readonly Condition[]): Condition[] {
  return conditions
    .map((c, i) => ({ c, i, cost: costOf(c) }))
    .sort((a, b) => a.cost - b.cost || a.i - b.i)
    .map((x) => x.c);
}

function costOf(c: Condition): number {
  switch (c.kind) {
    case 'trait':
    case 'performed':
    case 'seen':
    case 'subscription':
    case 'consent':
    case 'lapsed':
    case 'first_performed':
    case 'experiment_arm':
      return 1;
    case 'metric':
      return c.metric.kind === 'count' && c.metric.event.where === undefined ? 1 : c.metric.kind === 'score' ? 1 : 2;
    case 'sequence':
    case 'in_segment':
      return 3;
    case 'not':
      return costOf(c.condition);
    case 'and':
    case 'or':
      return Math.max(...c.conditions.map(costOf));
    default:
      return assertNever(c);
  }
}
