import type { HistoryEvent } from '../../rules/index.js';
import type { CompiledCondition, CompiledRule } from './compiled-rule.js';
import type { EvalContext } from './eval-context.js';
import { firstAfter } from './select-events.js';

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
  const found: number[] = [];
  // Each (source, duration) pair is an ascending sequence; only its first MAX_CANDIDATES above t are taken. Beyond
  // the smallest value where a sequence was cut, candidates may be missing, so nothing beyond it is evaluated.
  let horizon = Infinity;
  const fromSorted = (
    durations: Iterable<number>,
    length: number,
    timeAt: (i: number) => number,
    start: (after: number) => number,
  ): void => {
    for (const d of durations) {
      let i = start(t - d);
      let k = 0;
      for (; k < MAX_CANDIDATES && i < length; k++, i++) found.push(timeAt(i) + d);
      if (i < length) horizon = Math.min(horizon, timeAt(i - 1) + d);
    }
  };
  for (const [name, durations] of spec.byName) {
    const list = s.events.get(name);
    if (list !== undefined) fromSorted(durations, list.length, (i) => (list[i] as HistoryEvent).time, (after) => firstAfter(list, after));
  }
  if (spec.seen) {
    const times = s.activity;
    fromSorted(spec.seenDurations, times.length, (i) => times[i] as number, (after) => firstGreater(times, after));
    for (const d of spec.seenDurations) found.push(s.minActivity + d);
  }
  if (spec.updates) {
    const u = s.updates;
    // Traits, subscription, consent and scores are read as of t with no window: a stored update changes a value
    // only when it becomes visible (offset 0).
    // Updates at or before t are not candidates; skipping them here keeps the sort to the future ones.
    for (const list of [u.traits, u.subscription, u.consent, u.scores]) for (const x of list) if (x.time > t) found.push(x.time);
  }
  const candidates = Float64Array.from(found).sort();
  let evaluated = 0;
  let previous = NaN;
  for (const u of candidates) {
    if (u === previous || !(u > t) || u > horizon || !Number.isFinite(u)) continue;
    previous = u;
    if (holds(cx, u) !== current) return u;
    if (++evaluated >= MAX_CANDIDATES) return u;
  }
  // No change up to the horizon: when candidates were cut, re-check there; otherwise the value never changes.
  return Number.isFinite(horizon) ? horizon : undefined;
}

function firstGreater(times: readonly number[], x: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((times[mid] as number) > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
