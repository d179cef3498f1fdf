import type { CompiledCondition, CompiledRule } from './compiled-rule.js';
import type { EvalContext } from './eval-context.js';

/**
 * The earliest instant u > t at which `holds` changes value with no new data, or undefined. Same argument as the
 * reference `nextChange`: every construct's value is constant between consecutive instants x + d (x a stored
 * time the rule reads, d a duration of the rule or 0), so scanning those candidates in order and stopping at the
 * first where the value differs from `current` is exact. The candidates come from the compact state only; an
 * event dropped by pruning can no longer produce a change (its every x + d is already ≤ t).
 */
export function nextChangeOf(
  holds: CompiledCondition,
  rules: readonly CompiledRule[],
  cx: EvalContext,
  t: number,
  current: boolean,
): number | undefined {
  const names = new Set<string>();
  const durations = new Set<number>();
  let seen = false;
  let updates = false;
  for (const rule of rules) {
    const fp = rule.footprint;
    fp.eventNames.forEach((n) => names.add(n));
    fp.durations.forEach((d) => durations.add(d));
    seen ||= fp.seen;
    updates ||= fp.traits || fp.subscription || fp.scores.size > 0;
  }
  const candidates = new Set<number>();
  for (const x of cx.state.storedTimes(names, seen, updates)) {
    for (const d of durations) {
      const c = x + d;
      if (c > t && Number.isFinite(c)) candidates.add(c);
    }
  }
  const sorted = [...candidates].sort((a, b) => a - b);
  for (const u of sorted) if (holds(cx, u) !== current) return u;
  return undefined;
}
