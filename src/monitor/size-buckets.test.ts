import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketStart, fillSeries, type SizePoint } from './size-buckets.js';

const H = 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

describe('fillSeries', () => {
  it('carries the size before the range into empty buckets, then each stored bucket\'s size forward', () => {
    const stored: SizePoint[] = [
      { t: T0 + 2 * H, size: 5, entered: 3, exited: 0 },
      { t: T0 + 4 * H, size: 4, entered: 0, exited: 1 },
    ];
    expect(fillSeries(stored, 2, T0 + 30 * 60 * 1000, T0 + 5 * H + 1, 'hour')).toEqual([
      { t: T0, size: 2, entered: 0, exited: 0 },
      { t: T0 + H, size: 2, entered: 0, exited: 0 },
      { t: T0 + 2 * H, size: 5, entered: 3, exited: 0 },
      { t: T0 + 3 * H, size: 5, entered: 0, exited: 0 },
      { t: T0 + 4 * H, size: 4, entered: 0, exited: 1 },
      { t: T0 + 5 * H, size: 4, entered: 0, exited: 0 },
    ]);
  });

  it('rounds instants down to the UTC start of their day', () => {
    expect(bucketStart(T0 + 23 * H + 59 * 60 * 1000, 'day')).toBe(T0);
    expect(bucketStart(T0 + 24 * H, 'day')).toBe(T0 + 24 * H);
  });

  it('has one point per bucket, and each point\'s size is the last stored size at or before it', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 47 }), { maxLength: 20 }), fc.integer({ min: 0, max: 100 }), (hours, before) => {
        const sorted = [...hours].sort((a, b) => a - b);
        const stored = sorted.map((h, i) => ({ t: T0 + h * H, size: i * 3 + 1, entered: 1, exited: 0 }));
        const series = fillSeries(stored, before, T0, T0 + 47 * H, 'hour');
        expect(series).toHaveLength(48);
        for (const p of series) {
          const last = stored.filter((s) => s.t <= p.t).at(-1);
          expect(p.size).toBe(last ? last.size : before);
        }
      }),
    );
  });
});
