import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultRetryPolicy } from './retry-policy.js';
import { parseRetryAfter } from './retry-after.js';

describe('backoffDelay', () => {
  const policy = { ...defaultRetryPolicy, baseDelayMs: 1_000, maxDelayMs: 60 * 60_000 };

  it('draws from zero up to a ceiling that doubles with each failed attempt', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([999, 1999, 3999, 7999]);
    expect(backoffDelay(5, policy, () => 0)).toBe(0);
  });

  it('never exceeds the cap however many attempts failed', () => {
    expect(backoffDelay(200, policy, () => 0.999999)).toBe(3_599_996);
  });

  it('waits at least the receiver Retry-After, capped at the maximum delay', () => {
    expect(backoffDelay(1, policy, () => 0.5, 30_000)).toBe(30_000);
    expect(backoffDelay(1, policy, () => 0.5, 10 * 60 * 60_000)).toBe(60 * 60_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
