import erfc from '@stdlib/math-base-special-erfc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import erfcx from '@stdlib/math-base-special-erfcx';

/**
 * A two-sided p-value with its natural logarithm. `value` underflows to 0 only below ~1e-308; `ln` stays finite
 * far beyond (a z of 1,000 gives ln p ≈ −500,000), so a report can always say how small it is.
 */
export interface PValue {
  readonly value: number;
  readonly ln: number;
}

/**
 * P(|Z| ≥ |z|) for a standard normal Z: erfc(|z|/√2). Computed from the complementary error function rather
 * than 1 − Φ(|z|), which collapses to 0 at |z| ≈ 8.3 (p ≈ 1e-16); erfc keeps full relative accuracy down to
 * its underflow near |z| ≈ 38.5. The log uses the scaled erfcx: ln erfc(x) = ln erfcx(x) − x², finite for any x.
 */
export function normalTwoSided(z: number): PValue {
  if (Number.isNaN(z)) return { value: Number.NaN, ln: Number.NaN };
  const x = Math.abs(z) / Math.SQRT2;
  const value = erfc(x);
  return { value, ln: value > 1e-300 ? Math.log(value) : Math.log(erfcx(x)) - x * x };
}

/** The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (Φ⁻¹(p) = −√2·erfcinv(2p)). */
export function normalQuantile(p: number): number {
  return -Math.SQRT2 * erfcinv(2 * p);
}

/** The two-sided critical value z₁₋α/₂ (1.959964 for α = 0.05). */
export function criticalZ(alpha: number): number {
  return Math.SQRT2 * erfcinv(alpha);
}
