import { describe, expect, it } from 'vitest';
import { decideAlert } from './alert-policy.js';

describe('decideAlert', () => {
  it.each([
    // firing, value, threshold → decision
    [false, 60, 50, 'fire'],
    [false, 50, 50, 'stay'],
    [true, 49, 50, 'stay'],
    [true, 41, 50, 'stay'],
    [true, 40, 50, 'resolve'],
    [true, 0, 50, 'resolve'],
    [true, 70, 50, 'stay'],
    [false, undefined, 50, 'stay'],
    [true, undefined, 50, 'stay'],
    [false, 1, 0, 'fire'],
    [true, 0, 0, 'resolve'],
  ] as const)('firing=%s, value %s against %s → %s', (firing, value, threshold, expected) => {
    expect(decideAlert(firing, value, threshold)).toBe(expected);
  });

  it('does not flap when the value hovers around the threshold', () => {
    let firing = false;
    let transitions = 0;
    for (const v of [45, 51, 49, 52, 48, 50.5, 47, 55, 44, 60]) {
      const d = decideAlert(firing, v, 50);
      if (d !== 'stay') transitions++;
      if (d === 'fire') firing = true;
      if (d === 'resolve') firing = false;
    }
    expect(transitions).toBe(1);
    expect(firing).toBe(true);
  });
});
