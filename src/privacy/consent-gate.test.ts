import { describe, expect, it } from 'vitest';
import { hasConsent } from './consent-gate.js';

const person = (consent: Record<string, boolean>) => ({ subscription: { state: 'subscribed' as const, changedAt: null, reason: null, consent } });

describe('consent gate', () => {
  it('lets everyone through a destination that declares no category', () => {
    expect(hasConsent(person({}), undefined)).toBe(true);
    expect(hasConsent(person({ marketing: false }), [])).toBe(true);
  });

  it('needs every declared category granted, case-insensitively', () => {
    expect(hasConsent(person({ Marketing: true, analytics: true }), ['marketing', 'analytics'])).toBe(true);
    expect(hasConsent(person({ marketing: true }), ['marketing', 'analytics'])).toBe(false);
    expect(hasConsent(person({ marketing: false }), ['marketing'])).toBe(false);
  });

  it('counts a category never mentioned, a contradictory answer and a missing profile as not granted', () => {
    expect(hasConsent(person({}), ['marketing'])).toBe(false);
    expect(hasConsent(person({ marketing: true, MARKETING: false }), ['marketing'])).toBe(false);
    expect(hasConsent(undefined, ['marketing'])).toBe(false);
  });
});
