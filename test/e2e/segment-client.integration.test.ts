/**
 * The unmodified `@segment/analytics-node` client, pointed at segflow, sends every call type; each lands on the
 * right profile, and anonymous activity joins the user after identify.
 */
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../src/app/testing/index.js';
import { testStoreKinds } from '../../src/store/testing/index.js';

/** The app of the backend whose suite is running (suites run one after the other). */
let t: TestApp;


interface ProfileBody {
  id: string;
  traits: Record<string, unknown>;
  identities: Array<{ kind: string; value: string }>;
  events: { items: Array<{ type: string; name: string | null; properties: Record<string, unknown> }> };
}

async function profile(id: string): Promise<ProfileBody> {
  const res = await fetch(`${t.app.url}/api/profiles/${encodeURIComponent(id)}?limit=100`, { headers: { authorization: t.adminAuth } });
  expect(res.status).toBe(200);
  return (await res.json()) as ProfileBody;
}

function client(flushAt: number): { analytics: Analytics; errors: unknown[] } {
  const analytics = new Analytics({ writeKey: t.writeKey, host: t.app.url, flushAt, flushInterval: 60_000, maxRetries: 0 });
  const errors: unknown[] = [];
  analytics.on('error', (e) => errors.push(e));
  return { analytics, errors };
}

describe.each(testStoreKinds())('@segment/analytics-node against segflow (%s)', (storeKind) => {
  beforeAll(async () => {
    t = await startTestApp({ listen: true, storeKind });
  });
  afterAll(async () => {
    await t.close();
  });

  it('delivers track, identify, page, screen, group and alias to the right profiles', async () => {
    const { analytics, errors } = client(1);
    analytics.identify({ userId: 'sdk-user', traits: { email: 'sdk@example.com', plan: 'pro' } });
    analytics.track({ userId: 'sdk-user', event: 'Order Completed', properties: { revenue: 42 } });
    analytics.page({ userId: 'sdk-user', name: 'Pricing', properties: { path: '/pricing' } });
    analytics.screen({ userId: 'sdk-user', name: 'Home' });
    analytics.group({ userId: 'sdk-user', groupId: 'acme', traits: { name: 'Acme' } });
    analytics.alias({ userId: 'sdk-user', previousId: 'sdk-old-id' });
    analytics.track({ userId: 'someone-else', event: 'Signed Up' });
    await analytics.closeAndFlush();
    expect(errors).toEqual([]);

    const user = await profile('sdk-user');
    expect(user.traits).toEqual({ email: 'sdk@example.com', plan: 'pro' });
    expect(user.events.items.map((e) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
    expect(user.events.items.find((e) => e.type === 'track')).toMatchObject({ name: 'Order Completed', properties: { revenue: 42 } });
    expect(user.events.items.find((e) => e.type === 'page')).toMatchObject({ name: 'Pricing' });
    expect((await profile('email:SDK@example.com')).id).toBe(user.id);
    expect((await profile('sdk-old-id')).id).toBe(user.id);
    const other = await profile('someone-else');
    expect(other.id).not.toBe(user.id);
    expect(other.events.items.map((e) => e.name)).toEqual(['Signed Up']);
  });

  it('joins anonymous activity to the user after identify, with events sent as one batch by flush', async () => {
    const { analytics, errors } = client(100);
    analytics.page({ anonymousId: 'visitor-7', name: 'Landing' });
    analytics.track({ anonymousId: 'visitor-7', event: 'Product Viewed', properties: { product_id: 'X' } });
    analytics.track({ anonymousId: 'visitor-7', event: 'Product Added', properties: { product_id: 'X' } });
    analytics.identify({ anonymousId: 'visitor-7', userId: 'buyer-7', traits: { name: 'Grace' } });
    analytics.track({ userId: 'buyer-7', event: 'Order Completed' });
    await analytics.closeAndFlush();
    expect(errors).toEqual([]);

    const buyer = await profile('buyer-7');
    expect((await profile('visitor-7')).id).toBe(buyer.id);
    expect(buyer.events.items.map((e) => e.name ?? e.type).reverse()).toEqual(['Landing', 'Product Viewed', 'Product Added', 'identify', 'Order Completed']);
    expect(buyer.identities.map((i) => `${i.kind}:${i.value}`).sort()).toEqual(['anonymous_id:visitor-7', 'user_id:buyer-7']);
  });

  it('merges an earlier anonymous profile into a known user on a later identify', async () => {
    const { analytics, errors } = client(1);
    analytics.identify({ userId: 'known-8', traits: { tier: 'gold' } });
    await analytics.closeAndFlush();
    const second = client(1);
    second.analytics.track({ anonymousId: 'device-8', event: 'App Opened' });
    second.analytics.identify({ anonymousId: 'device-8', userId: 'known-8' });
    await second.analytics.closeAndFlush();
    expect([...errors, ...second.errors]).toEqual([]);
    const known = await profile('known-8');
    expect((await profile('device-8')).id).toBe(known.id);
    expect(known.events.items.map((e) => e.name ?? e.type).sort()).toEqual(['App Opened', 'identify', 'identify']);
    expect(known.traits).toEqual({ tier: 'gold' });
  });
});
