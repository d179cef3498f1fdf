import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventType, StoredEvent } from '../../core/index.js';
import { FEATURE_NAMES } from './feature-set.js';
import { ProfileFeatures } from './profile-features.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
let seq = 0;

function ev(name: string | null, time: number, properties: Record<string, unknown> = {}, type: EventType = 'track'): StoredEvent {
  return {
    seq: ++seq,
    workspaceId: 'w',
    messageId: `m${seq}`,
    profileId: 'p',
    type,
    name,
    userId: 'u',
    anonymousId: null,
    timestamp: time,
    receivedAt: time,
    properties,
    traits: {},
    context: {},
  };
}

const named = (features: Float64Array): Record<string, number> => Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, features[i] as number]));

const NAMES = ['Order Completed', 'Order Cancelled', 'Product Viewed', 'Product Added', 'Email Delivered', 'Email Opened', 'Email Link Clicked', 'Unsubscribed', 'Subscribed', 'Other'];
const arbitraryEvent = fc
  .record({ name: fc.constantFrom(...NAMES), day: fc.integer({ min: 0, max: 400 * 24 }), revenue: fc.integer({ min: -50, max: 500 }), page: fc.boolean() })
  .map((e) => (e.page && e.name === 'Other' ? ev('Home', T0 + e.day * 3_600_000, {}, 'page') : ev(e.name, T0 + e.day * 3_600_000, { revenue: e.revenue })));

describe('point-in-time features', () => {
  it('are identical as of T whether or not events after T exist, in any arrival order (no leakage)', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEvent, { maxLength: 60 }), fc.integer({ min: 0, max: 400 * 24 }), fc.boolean(), (events, hour, shuffle) => {
        const t = T0 + hour * 3_600_000;
        const upToT = events.filter((e) => e.timestamp <= t);
        const all = shuffle ? [...events].reverse() : events;
        expect(Array.from(new ProfileFeatures().addAll(all).featuresAt(t))).toEqual(Array.from(new ProfileFeatures().addAll(upToT).featuresAt(t)));
      }),
      { numRuns: 300 },
    );
  });

  it('computes recency, frequency, monetary value, windows, intervals, rates and subscription as documented', () => {
    const f = new ProfileFeatures().addAll([
      ev('Product Viewed', T0),
      ev('Order Completed', T0 + DAY, { revenue: 100 }),
      ev('Order Completed', T0 + 11 * DAY, { revenue: '50' }),
      ev('Order Cancelled', T0 + 12 * DAY, { revenue: -50 }),
      ev('Order Completed', T0 + 31 * DAY, { total: 30 }),
      ev('Email Delivered', T0 + 35 * DAY),
      ev('Email Delivered', T0 + 36 * DAY),
      ev('Email Opened', T0 + 36 * DAY),
      ev('Unsubscribed', T0 + 37 * DAY),
      ev('Product Added', T0 + 39 * DAY),
    ]);
    const x = named(f.featuresAt(T0 + 41 * DAY));
    expect(x).toMatchObject({
      has_ordered: 1,
      recency_days: 10,
      frequency: 3,
      orders_7d: 0,
      orders_30d: 1,
      orders_90d: 3,
      monetary_total: 180,
      monetary_mean: 60,
      days_since_first_seen: 41,
      days_since_last_seen: 2,
      views_90d: 1,
      views_30d: 0,
      cart_adds_7d: 1,
      email_opens_30d: 1,
      email_open_rate_90d: 0.5,
      interpurchase_mean_days: 15,
      interpurchase_std_days: 5,
      recency_over_interpurchase: 10 / 15,
      cancellation_rate: 0.25,
      subscribed: 0,
      unsubscribed: 1,
    });
  });

  it('reads a profile with no order as its age in recency and zeros elsewhere, and nothing before its first event', () => {
    const f = new ProfileFeatures().addAll([ev('Product Viewed', T0 + 5 * DAY)]);
    expect(named(f.featuresAt(T0 + 15 * DAY))).toMatchObject({ has_ordered: 0, recency_days: 10, frequency: 0, days_since_first_seen: 10 });
    expect(Array.from(f.featuresAt(T0)).every((v) => v === 0)).toBe(true);
  });
});
