import { describe, expect, it } from 'vitest';
import type { EventType } from '../core/index.js';
import { applySubscriptionSignal, contextWithTraitConsent, subscriptionSignalOf, unknownSubscription } from './subscription.js';
import { validateMessage, type SegmentMessage } from './validate.js';

function message(type: EventType, raw: Record<string, unknown>): SegmentMessage {
  const result = validateMessage({ userId: 'u', ...raw }, type);
  if (!result.ok) throw new Error(result.problem.detail);
  return result.message;
}

describe('subscriptionSignalOf', () => {
  it.each([
    ['identify unsubscribed: true', message('identify', { traits: { unsubscribed: true } }), 'unsubscribed'],
    ['identify unsubscribed: false', message('identify', { traits: { unsubscribed: false } }), 'subscribed'],
    ['identify email_subscribed: false', message('identify', { traits: { email_subscribed: false } }), 'unsubscribed'],
    ['identify subscribed: true', message('identify', { traits: { subscribed: true } }), 'subscribed'],
    ['track Unsubscribed', message('track', { event: 'Unsubscribed' }), 'unsubscribed'],
    ['track Resubscribed', message('track', { event: 'Resubscribed' }), 'subscribed'],
    ['track Subscribed', message('track', { event: 'Subscribed' }), 'subscribed'],
    ['a hard bounce', message('track', { event: 'Email Bounced', properties: { bounce_type: 'hard' } }), 'hard_bounced'],
    ['a spam complaint', message('track', { event: 'Email Marked as Spam' }), 'complained'],
  ])('derives the state from %s', (_name, msg, state) => {
    expect(subscriptionSignalOf(msg)?.state).toBe(state);
  });

  it('ignores soft bounces and unrelated events', () => {
    expect(subscriptionSignalOf(message('track', { event: 'Email Bounced', properties: { bounce_type: 'soft' } }))).toBeUndefined();
    expect(subscriptionSignalOf(message('track', { event: 'Order Completed' }))).toBeUndefined();
  });

  it('takes the reason from properties.reason when an ESP mapping sets it', () => {
    expect(subscriptionSignalOf(message('track', { event: 'Unsubscribed', properties: { reason: 'sendgrid:unsubscribe' } }))?.reason).toBe(
      'sendgrid:unsubscribe',
    );
  });

  it('reads consent category preferences from any call', () => {
    const msg = message('page', { context: { consent: { categoryPreferences: { marketing: false, analytics: true, bad: 'x' } } } });
    expect(subscriptionSignalOf(msg)).toEqual({ reason: 'context.consent', consent: { marketing: false, analytics: true } });
  });

  it('reads consent from identify traits, as a map or in the context shape', () => {
    expect(subscriptionSignalOf(message('identify', { traits: { consent: { marketing: true, ads: 'yes' } } }))?.consent).toEqual({ marketing: true });
    expect(subscriptionSignalOf(message('identify', { traits: { consent: { categoryPreferences: { Marketing: false } } } }))?.consent).toEqual({ Marketing: false });
  });

  it('lets the context win over traits for a category both name, and keeps the categories only traits name', () => {
    const msg = message('identify', {
      traits: { consent: { marketing: true, analytics: true } },
      context: { consent: { categoryPreferences: { marketing: false } } },
    });
    expect(subscriptionSignalOf(msg)?.consent).toEqual({ marketing: false, analytics: true });
  });

  it('reads no consent from the traits of a track call (context.traits are not profile traits)', () => {
    expect(subscriptionSignalOf(message('track', { event: 'X', traits: { consent: { marketing: true } }, context: { traits: { consent: { marketing: true } } } }))).toBeUndefined();
  });
});

describe('contextWithTraitConsent', () => {
  it('stores consent given in identify traits in context.consent.categoryPreferences, the context winning', () => {
    const msg = message('identify', {
      traits: { consent: { marketing: true, analytics: true } },
      context: { ip: '1.2.3.4', consent: { categoryPreferences: { marketing: false } } },
    });
    expect(contextWithTraitConsent(msg)).toEqual({ ip: '1.2.3.4', consent: { categoryPreferences: { marketing: false, analytics: true } } });
  });

  it('leaves the context alone when traits carry no consent or the context already names every category', () => {
    expect(contextWithTraitConsent(message('identify', { traits: { name: 'x' } }))).toBeUndefined();
    expect(contextWithTraitConsent(message('identify', { traits: { consent: { a: true } }, context: { consent: { categoryPreferences: { a: false } } } }))).toBeUndefined();
  });
});

describe('applySubscriptionSignal', () => {
  it('records the new state with its time and reason', () => {
    expect(applySubscriptionSignal(unknownSubscription, { state: 'unsubscribed', reason: 'r' }, 100)).toEqual({
      state: 'unsubscribed',
      changedAt: 100,
      reason: 'r',
      consent: {},
    });
  });

  it('ignores a state older than the current change', () => {
    const current = { state: 'unsubscribed' as const, changedAt: 200, reason: 'r', consent: {} };
    expect(applySubscriptionSignal(current, { state: 'subscribed', reason: 'late' }, 100)).toBeUndefined();
  });

  it('does not let a trait sync lift a hard bounce, but an explicit Resubscribed does', () => {
    const bounced = { state: 'hard_bounced' as const, changedAt: 100, reason: 'esp', consent: {} };
    expect(applySubscriptionSignal(bounced, { state: 'subscribed', reason: 'identify:traits.subscribed' }, 200)).toBeUndefined();
    expect(applySubscriptionSignal(bounced, { state: 'subscribed', reason: 'track:Resubscribed', overridesSuppression: true }, 200)?.state).toBe(
      'subscribed',
    );
  });

  it('merges consent categories over the current ones', () => {
    const current = { ...unknownSubscription, consent: { marketing: true, analytics: true } };
    expect(applySubscriptionSignal(current, { reason: 'c', consent: { marketing: false } }, 1)?.consent).toEqual({ marketing: false, analytics: true });
  });
});
