import { describe, expect, it } from 'vitest';
import { newProfileId } from './profile-ids.js';

describe('newProfileId', () => {
  it('has the newId shape: prof_ and 22 characters of the base64url alphabet', () => {
    expect(newProfileId()).toMatch(/^prof_[A-Za-z0-9_-]{22}$/);
  });

  it('never repeats across refills of the random pool, even within one millisecond', () => {
    const ids = Array.from({ length: 2_000 }, () => newProfileId(Date.UTC(2026, 5, 1)));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts ids of later milliseconds after earlier ones as the databases compare text (byte order)', () => {
    const times = [0, 1, 35, 36, Date.UTC(2001, 0, 1), Date.UTC(2026, 5, 1), Date.UTC(2026, 5, 1) + 1, Date.UTC(2090, 0, 1)];
    const ids = times.map((t) => newProfileId(t));
    const byBytes = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(byBytes).toEqual(ids);
  });
});
