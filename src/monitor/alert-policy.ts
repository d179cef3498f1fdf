/**
 * The fraction of the threshold a measurement must fall back to before a firing alert resolves. A rule fires
 * when its value goes above `threshold` and resolves only when the value is at or below
 * `threshold × RESOLVE_FRACTION` (default 0.8): a value hovering around the threshold (a segment drifting
 * between −49% and −51% against a 50% rule) fires once and stays firing instead of firing and resolving at
 * every evaluation. The band between the two is where the alert keeps its state.
 */
export const RESOLVE_FRACTION = 0.8;

/** What one evaluation of a rule leads to. */
export type AlertDecision = 'fire' | 'resolve' | 'stay';

/**
 * Hysteresis: `firing` is whether the rule has an open alert, `value` the measurement (undefined when there
 * is nothing to measure yet — no baseline, too few attempts — which never changes the state).
 *
 * fire    ⇔ not firing ∧ value > threshold
 * resolve ⇔ firing ∧ value ≤ threshold × resolveFraction
 */
export function decideAlert(firing: boolean, value: number | undefined, threshold: number, resolveFraction = RESOLVE_FRACTION): AlertDecision {
  if (value === undefined || Number.isNaN(value)) return 'stay';
  if (!firing) return value > threshold ? 'fire' : 'stay';
  return value <= threshold * resolveFraction ? 'resolve' : 'stay';
}
