import type { HistoryEvent } from '../../rules/index.js';
import type { CompiledCondition, CompiledRule } from './compiled-rule.js';
import type { EvalContext } from './eval-context.js';
import { firstAfter, firstGreater } from './select-events.js';

/**
 * At most this many candidate instants are evaluated per call. When none of them changes the value, the last one
 * is returned as a *re-check* instant: the timer fires there, finds the same value (so records nothing) and
 * looks further. Membership stays exact (a re-check precedes every real change) while the work per evaluation
 * stays bounded for profiles with long histories.
 */
export const MAX_CANDIDATES = 32;

/** Where a membership's change instants can come from: computed once per live segment from the rules it reads. */
export interface CandidateSpec {
  /** Event name → the durations of the constructs reading it (with 0). */
  readonly byName: ReadonlyMap<string, readonly number[]>;
  readonly seen: boolean;
  readonly seenDurations: readonly number[];
  /** Reads traits, subscription, consent or scores (their update times, offset 0). */
  readonly updates: boolean;
}

/** The candidate sources of a membership reading these rules. */
export function candidateSpecOf(rules: readonly CompiledRule[]): CandidateSpec {
  const byName = new Map<string, Set<number>>();
  const seenDurations = new Set<number>();
  let seen = false;
  let updates = false;
  for (const rule of rules) {
    const fp = rule.footprint;
    for (const [n, ds] of fp.durationsByName) {
      const set = byName.get(n) ?? new Set<number>();
      ds.forEach((d) => set.add(d));
      byName.set(n, set);
    }
    fp.seenDurations.forEach((d) => seenDurations.add(d));
    seen ||= fp.seen;
    updates ||= fp.traits || fp.subscription || fp.scores.size > 0;
  }
  return {
    byName: new Map([...byName].map(([n, ds]) => [n, [...ds]])),
    seen,
    seenDurations: [...seenDurations],
    updates,
  };
}

/**
 * The earliest instant u > t at which `holds` changes value with no new data, or a re-check instant before it
 * (see {@link MAX_CANDIDATES}), or undefined when it never changes. Same argument as the reference
 * `nextChange`: every construct's value is constant between consecutive instants x + d (x a stored time the rule
 * reads, d a duration of the rule or 0), so evaluating those candidates in ascending order and stopping at the
 * first where the value differs from `current` is exact. Candidates come from the compact state only: an event
 * dropped by pruning can no longer produce a change (its every x + d is already ≤ t). The lists are sorted, so
 * the smallest candidates are found by binary search per (source, duration) without sorting everything.
 */
export function nextChangeOf(
  holds: CompiledCondition,
  spec: CandidateSpec,
  cx: EvalContext,
  t: number,
  current: boolean,
): number | undefined {
  const s = cx.state;
  let n = 0;
  const push = (x: number): void => {
    if (n === buffer.length) {
      const grown = new Float64Array(buffer.length * 2);
      grown.set(buffer);
      buffer = grown;
    }
    buffer[n++] = x;
  };
  // Each (source, duration) pair is an ascending sequence; only its first MAX_CANDIDATES above t are taken. Beyond
  // the smallest value where a sequence was cut, candidates may be missing, so nothing beyond it is evaluated.
  let horizon = Infinity;
  for (const [name, durations] of spec.byName) {
    const list = s.events.get(name);
    if (list === undefined) continue;
    for (const d of durations) {
      let i = firstAfter(list, t - d);
      for (let k = 0; k < MAX_CANDIDATES && i < list.length; k++, i++) push((list[i] as HistoryEvent).time + d);
      if (i < list.length) horizon = Math.min(horizon, (list[i - 1] as HistoryEvent).time + d);
    }
  }
  if (spec.seen) {
    const times = s.activity;
    for (const d of spec.seenDurations) {
      let i = firstGreater(times, t - d);
      for (let k = 0; k < MAX_CANDIDATES && i < times.length; k++, i++) push((times[i] as number) + d);
      if (i < times.length) horizon = Math.min(horizon, (times[i - 1] as number) + d);
    }
    for (const d of spec.seenDurations) push(s.minActivity + d);
  }
  if (spec.updates) {
    const u = s.updates;
    // Traits, subscription, consent and scores are read as of t with no window: a stored update changes a value
    // only when it becomes visible (offset 0). Updates at or before t are not candidates.
    for (const list of [u.traits, u.subscription, u.consent, u.scores]) for (const x of list) if (x.time > t) push(x.time);
  }
  // Only candidates in (t, horizon] can be evaluated: drop the others before sorting.
  let m = 0;
  for (let i = 0; i < n; i++) {
    const u = buffer[i] as number;
    if (u > t && u <= horizon && Number.isFinite(u)) buffer[m++] = u;
  }
  const candidates = buffer.subarray(0, m).sort();
  let evaluated = 0;
  let previous = NaN;
  for (const u of candidates) {
    if (u === previous) continue;
    previous = u;
    if (holds(cx, u) !== current) return u;
    if (++evaluated >= MAX_CANDIDATES) return u;
  }
  // No change up to the horizon: when candidates were cut, re-check there; otherwise the value never changes.
  return Number.isFinite(horizon) ? horizon : undefined;
}

/** Scratch space for the candidates of one call (calls never nest: `holds` does not compute next changes). */
let buffer = new Float64Array(1024);
