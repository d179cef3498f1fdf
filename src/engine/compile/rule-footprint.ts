import { assertNever } from '../../core/index.js';
import { durationMs } from '../../rules/index.js';
import type { Condition, EventSelector, Filter, Window } from '../../rules/index.js';

/** In {@link RuleFootprint.propertyKeys}: the rule reads the whole properties object (an empty path). */
export const ALL_KEYS = '\u0000all';

/**
 * What a rule reads, computed once per rule version: the index keys that make a profile's change relevant to it,
 * what the per-profile state must keep, and the durations whose offsets from stored times are its only possible
 * change instants by time alone.
 */
export interface RuleFootprint {
  /** Event names its selectors pick. */
  readonly eventNames: ReadonlySet<string>;
  /** Per event name, how far back the rule ever looks (ms; `Infinity` for ever / before / lapsed / sequences). */
  readonly horizons: ReadonlyMap<string, number>;
  /** Per event name, the top-level property keys the rule reads (filters, aggregated properties, `by` keys). */
  readonly propertyKeys: ReadonlyMap<string, ReadonlySet<string>>;
  /** Reads traits (a trait condition or `email_eligible`). */
  readonly traits: boolean;
  /** Reads subscription state / consent. */
  readonly subscription: boolean;
  /** Score names read. */
  readonly scores: ReadonlySet<string>;
  /** Reads the time of any activity (`first_seen`, `last_seen`). */
  readonly seen: boolean;
  /**
   * Reads an experiment split (`in_experiment_arm`): its value on an empty history depends on the profile's id, so
   * the probe with no id that finds the segments holding on an empty history cannot decide it.
   */
  readonly experimentArm: boolean;
  /** Segment names referenced with `in_segment`. */
  readonly segments: ReadonlySet<string>;
  /** Every duration the rule mentions, in ms, plus 0. */
  readonly durations: readonly number[];
  /** Per event name, the durations of the constructs reading it (plus 0): its events' only change offsets. */
  readonly durationsByName: ReadonlyMap<string, ReadonlySet<number>>;
  /** The durations of `first_seen` / `last_seen` windows (plus 0). */
  readonly seenDurations: ReadonlySet<number>;
}

/** Computes the footprint of one condition (not following `in_segment`; the engine merges referenced rules). */
export function ruleFootprint(condition: Condition): RuleFootprint {
  const eventNames = new Set<string>();
  const horizons = new Map<string, number>();
  const propertyKeys = new Map<string, Set<string>>();
  const scores = new Set<string>();
  const segments = new Set<string>();
  const durations = new Set<number>([0]);
  const durationsByName = new Map<string, Set<number>>();
  const seenDurations = new Set<number>([0]);
  let traits = false;
  let subscription = false;
  let seen = false;
  let experimentArm = false;

  const keysOf = (name: string): Set<string> => {
    let keys = propertyKeys.get(name);
    if (!keys) propertyKeys.set(name, (keys = new Set()));
    return keys;
  };
  // The durations of the construct being visited: windowHorizon adds to it, useSelector files it under the name.
  let own: number[] = [];
  const useSelector = (selector: EventSelector, horizon: number): void => {
    eventNames.add(selector.name);
    let ds = durationsByName.get(selector.name);
    if (!ds) durationsByName.set(selector.name, (ds = new Set([0])));
    for (const d of own) ds.add(d);
    horizons.set(selector.name, Math.max(horizons.get(selector.name) ?? 0, horizon));
    const keys = keysOf(selector.name);
    if (selector.where) filterKeys(selector.where, keys);
  };
  const addDuration = (d: number): void => {
    durations.add(d);
    own.push(d);
  };
  const windowHorizon = (window: Window | undefined): number => {
    if (window === undefined) return Infinity;
    switch (window.kind) {
      case 'within':
        addDuration(durationMs(window.duration));
        return durationMs(window.duration);
      case 'before':
        addDuration(durationMs(window.duration));
        return Infinity;
      case 'between':
        addDuration(durationMs(window.from));
        addDuration(durationMs(window.to));
        return Math.max(durationMs(window.from), durationMs(window.to));
      default:
        return assertNever(window);
    }
  };

  const visit = (c: Condition): void => {
    own = [];
    switch (c.kind) {
      case 'and':
      case 'or':
        c.conditions.forEach(visit);
        return;
      case 'not':
        visit(c.condition);
        return;
      case 'trait':
        traits = true;
        return;
      case 'performed':
        useSelector(c.event, windowHorizon(c.window));
        return;
      case 'first_performed':
        windowHorizon(c.window);
        useSelector(c.event, Infinity);
        return;
      case 'lapsed':
        addDuration(durationMs(c.duration));
        useSelector(c.event, Infinity);
        return;
      case 'metric': {
        const m = c.metric;
        switch (m.kind) {
          case 'count':
            useSelector(m.event, windowHorizon(m.window));
            return;
          case 'count_distinct':
          case 'sum':
          case 'avg':
          case 'min':
          case 'max': {
            useSelector(m.property.event, windowHorizon(m.window));
            keysOf(m.property.event.name).add(m.property.path[0] ?? ALL_KEYS);
            return;
          }
          case 'rate': {
            const h = windowHorizon(m.window);
            useSelector(m.numerator, h);
            useSelector(m.denominator, h);
            return;
          }
          case 'score':
            scores.add(m.name);
            return;
          default:
            assertNever(m);
        }
        return;
      }
      case 'sequence': {
        addDuration(durationMs(c.within));
        useSelector(c.first, Infinity);
        useSelector(c.then, Infinity);
        if (c.by !== undefined) {
          keysOf(c.first.name).add(c.by[0] ?? ALL_KEYS);
          keysOf(c.then.name).add(c.by[0] ?? ALL_KEYS);
        }
        return;
      }
      case 'seen':
        windowHorizon(c.window);
        for (const d of own) seenDurations.add(d);
        seen = true;
        return;
      case 'in_segment':
        segments.add(c.segment);
        return;
      case 'subscription':
        subscription = true;
        if (c.state === 'email_eligible') traits = true;
        return;
      case 'consent':
        // Consent updates travel with subscription ones (any call's context): the same dependents.
        subscription = true;
        return;
      case 'experiment_arm':
        // reads only the profile's id, which never changes: no event, trait or duration
        experimentArm = true;
        return;
      default:
        assertNever(c);
    }
  };
  visit(condition);
  return {
    eventNames,
    horizons,
    propertyKeys,
    traits,
    subscription,
    scores,
    seen,
    experimentArm,
    segments,
    durations: [...durations].sort((a, b) => a - b),
    durationsByName,
    seenDurations,
  };
}

function filterKeys(filter: Filter, out: Set<string>): void {
  switch (filter.kind) {
    case 'filter_and':
    case 'filter_or':
      filter.filters.forEach((f) => filterKeys(f, out));
      return;
    case 'filter_not':
      filterKeys(filter.filter, out);
      return;
    case 'property':
      out.add(filter.path[0] ?? ALL_KEYS);
      return;
    default:
      assertNever(filter);
  }
}
