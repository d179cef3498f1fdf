import betainc from '@stdlib/math-base-special-betainc';
import { normalTwoSided, type PValue } from './normal-tail.js';
import { sampleVariance, type Moments } from './moments.js';

/** Welch's t statistic, its Welch–Satterthwaite degrees of freedom and the two-sided p-value. */
export interface WelchResult {
  readonly t: number;
  readonly df: number;
  readonly pValue: PValue;
}

/**
 * Welch's unequal-variance t-test of H₀: μ_a = μ_b (scipy `ttest_ind(equal_var=False)`):
 * t = (x̄_a − x̄_b)/√(s_a²/n_a + s_b²/n_b), ν = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a−1) + (s_b²/n_b)²/(n_b−1)).
 * The p-value is the t tail computed as the regularized incomplete beta I_{ν/(ν+t²)}(ν/2, 1/2) — directly, not
 * as 1 − CDF, so it keeps its relative accuracy deep in the tail. Past the double range (< 1e-308) the log falls
 * back to the normal tail, which the t tail approaches for the large ν of real experiments.
 * Needs at least two observations per arm; means of heavy-tailed metrics (revenue) need large samples.
 */
export function welchTTest(a: Moments, b: Moments): WelchResult {
  const nan = { t: Number.NaN, df: Number.NaN, pValue: { value: Number.NaN, ln: Number.NaN } };
  if (a.n < 2 || b.n < 2) return nan;
  const va = sampleVariance(a) / a.n;
  const vb = sampleVariance(b) / b.n;
  const v = va + vb;
  const diff = a.mean - b.mean;
  if (v === 0) return diff === 0 ? { t: 0, df: Number.NaN, pValue: { value: 1, ln: 0 } } : { ...nan, t: Math.sign(diff) * Infinity, pValue: { value: 0, ln: -Infinity } };
  const t = diff / Math.sqrt(v);
  const df = (v * v) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const value = betainc(df / (df + t * t), df / 2, 0.5, true, false);
  return { t, df, pValue: { value, ln: value > 1e-300 ? Math.log(value) : normalTwoSided(t).ln } };
}
