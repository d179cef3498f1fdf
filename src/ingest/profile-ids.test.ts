import { describe, expect, it } from 'vitest';
import { newProfileId } from './profile-ids.js';

describe('newProfileId', () => {
  it('has the newId format: prof_ and 128 bits in base64url', () => {
    expect(newProfileId()).toMatch(/^prof_[A-Za-z0-9_-]{22}$/);
  });

  it('never repeats across refills of the random pool', () => {
    const ids = Array.from({ length: 2_000 }, () => newProfileId());
    expect(new Set(ids).size).toBe(ids.length);
  });
});
