import { describe, expect, it } from 'vitest';
import { analyzeArms, normalTwoSided, proportionMoments, srmCheck, twoProportionZTest, welchTTest } from './index.js';

describe('p-values keep their accuracy in the far tail', () => {
  it('gives a p-value below 1e-100 as a positive number, not 0', () => {
    const r = twoProportionZTest(36_000, 300_000, 30_000, 300_000);
    expect(r.pValue.value).toBeGreaterThan(0);
    expect(r.pValue.value).toBeLessThan(1e-100);
  });

  it('matches the known normal tail at z = 30 to twelve digits', () => {
    // 2·Φ(−30) = 9.8134278542971...e-198 (erfc(30/√2), Abramowitz & Stegun; also SciPy)
    expect(normalTwoSided(30).value / 9.813427854296455e-198).toBeCloseTo(1, 12);
  });

  it('keeps the logarithm finite where the value itself underflows', () => {
    const r = normalTwoSided(60);
    expect(r.value).toBe(0);
    // ln(2·Φ(−z)) ≈ −z²/2 − ln z − ln √(π/2) for large z
    expect(r.ln).toBeCloseTo(-1800 - Math.log(60) - 0.5 * Math.log(Math.PI / 2), 3);
  });

  it('gives a p-value for rates under 1% with 20,000 per arm', () => {
    const r = twoProportionZTest(150, 20_000, 100, 20_000);
    expect(r.pValue.value).toBeGreaterThan(0.001);
    expect(r.pValue.value).toBeLessThan(0.01);
  });

  it("gives Welch's t-test a tiny but positive p-value for a huge t", () => {
    const r = welchTTest({ n: 20_000, mean: 10, m2: 4 * 19_999 }, { n: 20_000, mean: 10.5, m2: 4 * 19_999 });
    expect(r.pValue.value).toBeGreaterThan(0);
    expect(r.pValue.value).toBeLessThan(1e-100);
  });

  it('gives the SRM chi-square a tiny but positive p-value', () => {
    const r = srmCheck([515_000, 485_000], [1, 1]);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(1e-100);
    expect(r.mismatch).toBe(true);
  });

  it('reports an arm with no conversions at all without NaN in the p-value', () => {
    const report = analyzeArms(
      [
        { arm: 'a', n: 20_000, metrics: { c: proportionMoments(20_000, 0) } },
        { arm: 'b', n: 20_000, metrics: { c: proportionMoments(20_000, 0) } },
      ],
      [{ name: 'c', kind: 'proportion' }],
      { control: 'a' },
    );
    expect(report.arms[1]?.metrics.c?.pValue.value).toBe(1);
  });
});
