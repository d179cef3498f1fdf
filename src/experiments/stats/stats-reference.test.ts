import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { absoluteLift, confidenceSequence, cuped, proportionMoments, relativeLift, sampleSizePerArm, srmCheck, twoProportionZTest, welchTTest, type Moments } from './index.js';

/** Values computed by reference/make-reference.py with SciPy and statsmodels (see the script). */
const reference = JSON.parse(readFileSync(new URL('./reference/reference.json', import.meta.url), 'utf8')) as {
  zTests: { x1: number; n1: number; x2: number; n2: number; z: number; pValue: number; lnPValue: number; diffLow: number; diffHigh: number; relLift: number; relLow: number; relHigh: number }[];
  welch: { a: Stat; b: Stat; t: number; df: number; pValue: number; lnPValue: number; diffLow: number; diffHigh: number }[];
  srm: { observed: number[]; weights: number[]; chiSquare: number; pValue: number }[];
  sampleSizes: { baselineRate: number; relativeLift: number; alpha: number; power: number; perArm: number }[];
  confidenceSequences: { estimate: number; variance: number; n: number; nStar: number; alpha: number; halfWidth: number }[];
  cuped: { theta: number; arms: { sums: { n: number; sumY: number; sumY2: number; sumX: number; sumX2: number; sumXY: number }; mean: number; variance: number }[] };
};
interface Stat {
  n: number;
  mean: number;
  variance: number;
}

const moments = (s: Stat): Moments => ({ n: s.n, mean: s.mean, m2: s.variance * (s.n - 1) });

/** |actual − expected| ≤ rel·|expected| (+ a tiny absolute floor for values near 0). */
function expectClose(actual: number, expected: number, rel = 1e-9): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-15);
}

describe('the two-proportion z-test agrees with statsmodels', () => {
  it.each(reference.zTests)('$x1/$n1 vs $x2/$n2', (c) => {
    const r = twoProportionZTest(c.x1, c.n1, c.x2, c.n2);
    expectClose(r.z, c.z);
    if (c.pValue > 0) expectClose(r.pValue.value, c.pValue, 1e-9);
    else expect(r.pValue.value).toBe(0);
    expectClose(r.pValue.ln, c.lnPValue, 1e-9);
    const t = proportionMoments(c.n1, c.x1);
    const k = proportionMoments(c.n2, c.x2);
    const abs = absoluteLift(t, k, 'proportion');
    expectClose(abs.low, c.diffLow, 1e-9);
    expectClose(abs.high, c.diffHigh, 1e-9);
    const rel = relativeLift(t, k, 'proportion');
    expectClose(rel.estimate, c.relLift, 1e-12);
    expectClose(rel.low, c.relLow, 1e-9);
    expectClose(rel.high, c.relHigh, 1e-9);
  });
});

describe("Welch's t-test agrees with SciPy and its interval with statsmodels", () => {
  it.each(reference.welch)('n $a.n vs $b.n', (c) => {
    const r = welchTTest(moments(c.a), moments(c.b));
    expectClose(r.t, c.t, 1e-9);
    expectClose(r.df, c.df, 1e-9);
    expectClose(r.pValue.value, c.pValue, 1e-7);
    expectClose(r.pValue.ln, c.lnPValue, 1e-7);
    const abs = absoluteLift(moments(c.a), moments(c.b), 'mean');
    expectClose(abs.low, c.diffLow, 1e-8);
    expectClose(abs.high, c.diffHigh, 1e-8);
  });
});

describe('the sample-ratio-mismatch check agrees with scipy.stats.chisquare', () => {
  it.each(reference.srm)('$observed against $weights', (c) => {
    const r = srmCheck(c.observed, c.weights);
    expectClose(r.chiSquare, c.chiSquare, 1e-10);
    expectClose(r.pValue, c.pValue, 1e-8);
    expect(r.mismatch).toBe(c.pValue < 0.001);
  });
});

describe('the sample-size calculator agrees with the formula evaluated in SciPy', () => {
  it.each(reference.sampleSizes)('$relativeLift on $baselineRate', (c) => {
    expect(sampleSizePerArm(c)).toBe(c.perArm);
  });
});

describe('the confidence sequence has the half-width of Howard et al. eq. (14)', () => {
  it.each(reference.confidenceSequences)('estimate $estimate, variance $variance, n $n', (c) => {
    const r = confidenceSequence(c.estimate, c.variance, c.n, c.nStar, c.alpha);
    expectClose((r.high - r.low) / 2, c.halfWidth, 1e-9);
    expect(r.significant).toBe(Math.abs(c.estimate) > c.halfWidth);
  });
});

describe('CUPED agrees with numpy', () => {
  it('gives the same theta, adjusted means and adjusted variances', () => {
    const r = cuped(reference.cuped.arms.map((a) => a.sums));
    expectClose(r.theta, reference.cuped.theta, 1e-9);
    reference.cuped.arms.forEach((expected, i) => {
      expectClose(r.arms[i]?.mean ?? Number.NaN, expected.mean, 1e-9);
      expectClose(r.arms[i]?.variance ?? Number.NaN, expected.variance, 1e-7);
    });
    expect(r.varianceReduction).toBeGreaterThan(0.5);
  });
});
