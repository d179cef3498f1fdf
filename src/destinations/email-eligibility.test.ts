import { describe, expect, it } from 'vitest';
import type { Profile, Subscription } from '../core/index.js';
import { isEmailEligible } from './email-eligibility.js';

const profile = (traits: Record<string, unknown>, subscription: Partial<Subscription> = {}): Profile => ({
  workspaceId: 'ws',
  id: 'prof_1',
  traits,
  identities: [],
  subscription: { state: 'unknown', changedAt: null, reason: null, consent: {}, ...subscription },
  createdAt: 0,
  updatedAt: 0,
  firstSeenAt: null,
  lastSeenAt: null,
  mergedInto: null,
});

describe('isEmailEligible', () => {
  it('accepts a person with an email whose subscription is unknown or subscribed', () => {
    expect(isEmailEligible(profile({ email: 'a@example.com' }))).toBe(true);
    expect(isEmailEligible(profile({ email: 'a@example.com' }, { state: 'subscribed', consent: { email: true } }))).toBe(true);
  });

  it('refuses people without an email, unsubscribed, bounced, complaining or refusing consent', () => {
    expect(isEmailEligible(undefined)).toBe(false);
    expect(isEmailEligible(profile({}))).toBe(false);
    expect(isEmailEligible(profile({ email: '  ' }))).toBe(false);
    for (const state of ['unsubscribed', 'hard_bounced', 'complained'] as const) {
      expect(isEmailEligible(profile({ email: 'a@example.com' }, { state }))).toBe(false);
    }
    expect(isEmailEligible(profile({ email: 'a@example.com' }, { consent: { Email: false } }))).toBe(false);
    expect(isEmailEligible(profile({ email: 'a@example.com' }, { consent: { marketing: false } }))).toBe(false);
    expect(isEmailEligible(profile({ email: 'a@example.com' }, { consent: { analytics: false } }))).toBe(true);
  });
});
