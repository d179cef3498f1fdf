import { describe, expect, it } from 'vitest';
import { alignSeries, fmtLift, fmtMean, fmtP } from './experiment-format.js';

describe('experiment formatting', () => {
  it('writes lifts with a sign and the verdict digits, and n/a for what cannot be estimated', () => {
    expect(fmtLift(0.1834)).toBe('+18%');
    expect(fmtLift(-0.032)).toBe('−3.2%');
    expect(fmtLift(0.00004)).toBe('0%');
    expect(fmtLift(null)).toBe('n/a');
    expect(fmtMean(0.125, 'proportion')).toBe('12.50%');
    expect(fmtMean(41.2345, 'mean')).toBe('41.23');
  });

  it('writes p-values plainly, in scientific notation when tiny, and from log10 below the smallest double', () => {
    expect(fmtP(0.0321)).toBe('0.032');
    expect(fmtP(4.1e-7)).toBe('4.1e-7');
    expect(fmtP(0, -412.3)).toBe('≈ 1e-412');
    expect(fmtP(null)).toBe('n/a');
  });
});

describe('alignSeries', () => {
  it('puts every arm on the union of days, repeating totals on days an arm did not change and 0 before its first', () => {
    const aligned = alignSeries(
      {
        a: [
          { day: '2026-03-01', exposures: 10, converters: { buy: 1 } },
          { day: '2026-03-03', exposures: 30, converters: { buy: 6 } },
        ],
        b: [{ day: '2026-03-02', exposures: 5, converters: {} }],
      },
      ['a', 'b', 'holdout'],
      'buy',
    );
    expect(aligned.days).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect(aligned.x[0]).toBe(Date.UTC(2026, 2, 1) / 1000);
    expect(aligned.arms[0]).toEqual({ arm: 'a', exposures: [10, 10, 30], converters: [1, 1, 6], rate: [0.1, 0.1, 0.2] });
    expect(aligned.arms[1]).toEqual({ arm: 'b', exposures: [0, 5, 5], converters: [0, 0, 0], rate: [null, 0, 0] });
    expect(aligned.arms[2]).toEqual({ arm: 'holdout', exposures: [0, 0, 0], converters: [0, 0, 0], rate: [null, null, null] });
  });
});
