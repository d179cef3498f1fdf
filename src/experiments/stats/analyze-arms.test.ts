import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeArms, combineMoments, momentsFromSums, momentsOf, proportionMoments, sampleSizePerArm, verdictLines, formatPercent } from './index.js';

describe('moments', () => {
  it('combine two samples into the moments of their union', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true })), fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true })), (a, b) => {
        const whole = momentsOf([...a, ...b]);
        const joined = combineMoments(momentsOf(a), momentsOf(b));
        expect(joined.n).toBe(whole.n);
        expect(Math.abs(joined.mean - whole.mean)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(whole.mean)));
        expect(Math.abs(joined.m2 - whole.m2)).toBeLessThanOrEqual(1e-6 * (1 + whole.m2));
      }),
    );
  });

  it('from running sums equal the moments of 0/1 values exactly', () => {
    const values = [1, 0, 0, 1, 1, 0, 0, 0];
    const direct = momentsOf(values);
    const sums = momentsFromSums(8, 3, 3);
    expect(sums.mean).toBe(direct.mean);
    expect(sums.m2).toBeCloseTo(direct.m2, 12);
    expect(proportionMoments(8, 3).m2).toBeCloseTo(direct.m2, 12);
  });
});

describe('analyzeArms', () => {
  const arms = [
    { arm: '1h', n: 10_000, weight: 45, metrics: { conversion: proportionMoments(10_000, 1_000) } },
    { arm: '72h', n: 10_050, weight: 45, metrics: { conversion: proportionMoments(10_050, 1_206) } },
    { arm: 'holdout', n: 2_200, weight: 10, metrics: { conversion: proportionMoments(2_200, 200) } },
  ];
  const report = analyzeArms(arms, [{ name: 'conversion', kind: 'proportion' }], { control: '1h' });

  it('gives the control a lift of 0 and a p-value of 1', () => {
    const control = report.arms[0]?.metrics.conversion;
    expect(control?.relative.estimate).toBe(0);
    expect(control?.pValue.value).toBe(1);
  });

  it('finds the arm that converts 20% better and says so in plain language', () => {
    const better = report.arms[1]?.metrics.conversion;
    expect(better?.relative.estimate).toBeCloseTo(0.2, 2);
    expect(better?.pValue.value).toBeLessThan(0.001);
    expect(verdictLines(report)[0]).toMatch(/^72h beats 1h on conversion by \+20% \(95% CI \+\d+% … \+\d+%, p = .*\); sequential test: significant$/);
  });

  it('says a holdout that is no different is no different', () => {
    expect(verdictLines(report)[1]).toMatch(/^holdout shows no significant difference from 1h on conversion/);
  });

  it('checks the split against the configured weights, not equal shares', () => {
    expect(report.srm.mismatch).toBe(false);
    const skewed = analyzeArms(
      arms.map((a) => (a.arm === 'holdout' ? { ...a, n: 1_500 } : a)),
      [{ name: 'conversion', kind: 'proportion' }],
      { control: '1h' },
    );
    expect(skewed.srm.mismatch).toBe(true);
    expect(verdictLines(skewed).at(-1)).toMatch(/^Sample ratio mismatch/);
  });

  it('calls a significant rise of a guardrail worse', () => {
    const guard = analyzeArms(
      [
        { arm: 'a', n: 50_000, metrics: { unsubscribe: proportionMoments(50_000, 500) } },
        { arm: 'b', n: 50_000, metrics: { unsubscribe: proportionMoments(50_000, 700) } },
      ],
      [{ name: 'unsubscribe', kind: 'proportion', guardrail: true }],
      { control: 'a' },
    );
    expect(verdictLines(guard)[0]).toMatch(/^b is worse than a on guardrail unsubscribe: \+40%/);
  });
});

describe('formatPercent and the sample-size sentence', () => {
  it('formats signed percentages', () => {
    expect(formatPercent(0.18)).toBe('+18%');
    expect(formatPercent(-0.032)).toBe('−3.2%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('needs about 53k per arm to detect +10% on a 3% rate', () => {
    expect(sampleSizePerArm({ baselineRate: 0.03, relativeLift: 0.1 })).toBe(53_211);
  });
});
