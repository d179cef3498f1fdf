import { normalTwoSided, type PValue } from './normal-tail.js';

/** A test statistic with its two-sided p-value. */
export interface ZTestResult {
  readonly z: number;
  readonly pValue: PValue;
}

/**
 * The pooled two-proportion z-test of H₀: p_a = p_b (statsmodels `proportions_ztest`):
 * p̂ = (x_a + x_b)/(n_a + n_b), z = (x_a/n_a − x_b/n_b) / √(p̂(1 − p̂)(1/n_a + 1/n_b)).
 * Trust it when each arm has at least ~5 conversions and ~5 non-conversions; with none at all (p̂ = 0 or 1)
 * there is no evidence of a difference and the p-value is 1.
 */
export function twoProportionZTest(xA: number, nA: number, xB: number, nB: number): ZTestResult {
  if (nA === 0 || nB === 0) return { z: Number.NaN, pValue: { value: Number.NaN, ln: Number.NaN } };
  const pooled = (xA + xB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  if (se === 0) return { z: 0, pValue: { value: 1, ln: 0 } };
  const z = (xA / nA - xB / nB) / se;
  return { z, pValue: normalTwoSided(z) };
}
