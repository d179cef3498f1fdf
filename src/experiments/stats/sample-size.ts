import { criticalZ, normalQuantile } from './normal-tail.js';

/** What a sample-size calculation needs. */
export interface SampleSizeInput {
  /** The control's conversion rate (0 < rate < 1). */
  readonly baselineRate: number;
  /** The smallest relative lift worth detecting: 0.1 = +10%. */
  readonly relativeLift: number;
  /** Two-sided significance level (default 0.05). */
  readonly alpha?: number;
  /** Probability of detecting the lift when it is real (default 0.8). */
  readonly power?: number;
}

/**
 * Units per arm for a two-sided two-proportion z-test (Fleiss' formula without continuity correction, equal
 * arms): with p₁ the baseline, p₂ = p₁(1 + lift), p̄ = (p₁ + p₂)/2,
 *   n = ( z₁₋α/₂ √(2p̄(1−p̄)) + z_power √(p₁(1−p₁) + p₂(1−p₂)) )² / (p₂ − p₁)², rounded up.
 * "To detect +10% on a 3% rate (α 0.05, power 0.8) you need 53,211 per arm." A sequential (always-valid)
 * analysis needs more to reach the same power — plan on roughly 1.5–2× this if the report will be read daily.
 */
export function sampleSizePerArm(input: SampleSizeInput): number {
  const { baselineRate: p1, relativeLift } = input;
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  const p2 = p1 * (1 + relativeLift);
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1) || relativeLift === 0) throw new RangeError('rates must be in (0, 1) and the lift non-zero');
  if (!(alpha > 0 && alpha < 1 && power > 0 && power < 1)) throw new RangeError('alpha and power must be in (0, 1)');
  const pBar = (p1 + p2) / 2;
  const a = criticalZ(alpha) * Math.sqrt(2 * pBar * (1 - pBar));
  const b = normalQuantile(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil(((a + b) * (a + b)) / ((p2 - p1) * (p2 - p1)));
}

/**
 * Units per arm to detect an absolute difference `delta` in a mean with per-unit standard deviation `sd`:
 * n = 2 (z₁₋α/₂ + z_power)² σ² / δ², rounded up.
 */
export function sampleSizePerArmForMean(sd: number, delta: number, alpha = 0.05, power = 0.8): number {
  if (!(sd > 0) || delta === 0) throw new RangeError('sd must be positive and delta non-zero');
  const z = criticalZ(alpha) + normalQuantile(power);
  return Math.ceil((2 * z * z * sd * sd) / (delta * delta));
}
