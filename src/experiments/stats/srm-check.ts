import gammainc from '@stdlib/math-base-special-gammainc';

/** The outcome of a sample-ratio-mismatch check. */
export interface SrmResult {
  readonly chiSquare: number;
  readonly df: number;
  readonly pValue: number;
  /** The expected count of each arm under the configured weights. */
  readonly expected: readonly number[];
  /** True when pValue < the threshold: the split is not what was configured and the results cannot be trusted. */
  readonly mismatch: boolean;
}

/**
 * GrowthBook's and Optimizely's threshold: at 0.001 a healthy experiment read daily for a year raises a false
 * alarm about once in three years, while a real 1% imbalance on 100k units is still caught.
 */
export const SRM_THRESHOLD = 0.001;

/**
 * Pearson's chi-square goodness-of-fit test of the observed arm counts against the configured weights
 * (scipy `chisquare(observed, expected)`): χ² = Σ (O_i − E_i)²/E_i with E_i = N·w_i/Σw, on k − 1 degrees of
 * freedom; p = Q(k−1/2, χ²/2), the regularized upper incomplete gamma function (computed directly, so tiny
 * p-values stay accurate). Arms with weight 0 are left out. Trust it when every E_i ≥ 5; with fewer units the
 * check is skipped (p = 1, no mismatch).
 */
export function srmCheck(observed: readonly number[], weights: readonly number[], threshold = SRM_THRESHOLD): SrmResult {
  if (observed.length !== weights.length) throw new Error('srmCheck: one weight per arm');
  const total = observed.reduce((s, x) => s + x, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const expected = weights.map((w) => (weightSum > 0 ? (total * w) / weightSum : 0));
  let chiSquare = 0;
  let k = 0;
  for (let i = 0; i < observed.length; i += 1) {
    const e = expected[i] ?? 0;
    if (e <= 0) continue;
    const d = (observed[i] ?? 0) - e;
    chiSquare += (d * d) / e;
    k += 1;
  }
  const df = k - 1;
  if (df < 1 || expected.some((e, i) => (weights[i] ?? 0) > 0 && e < 5)) {
    return { chiSquare, df: Math.max(df, 0), pValue: 1, expected, mismatch: false };
  }
  const pValue = gammainc(chiSquare / 2, df / 2, true, true);
  return { chiSquare, df, pValue, expected, mismatch: pValue < threshold };
}
