import { describe, expect, it } from 'vitest';
import { inBounds, windowBounds } from './window-bounds.js';
import { before, between, within } from './testing-builders.js';

describe('windowBounds', () => {
  it('is (t − D, t] for within D', () => {
    expect(windowBounds(within(2, 's'), 10_000)).toEqual({ after: 8_000, upTo: 10_000 });
  });
  it('is (−∞, t − D] for before D ago', () => {
    expect(windowBounds(before(2, 's'), 10_000)).toEqual({ after: -Infinity, upTo: 8_000 });
  });
  it('is (t − A, t − B] for between A ago and B ago', () => {
    expect(windowBounds(between([5, 's'], [2, 's']), 10_000)).toEqual({ after: 5_000, upTo: 8_000 });
  });
  it('is (−∞, t] without a window', () => {
    expect(windowBounds(undefined, 10_000)).toEqual({ after: -Infinity, upTo: 10_000 });
  });
  it('excludes the older edge and includes the newer one', () => {
    const b = windowBounds(within(2, 's'), 10_000);
    expect([7_999, 8_000, 8_001, 10_000, 10_001].map((x) => inBounds(b, x))).toEqual([false, false, true, true, false]);
  });
});
