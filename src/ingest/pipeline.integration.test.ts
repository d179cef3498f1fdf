import { expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import type { Store } from '../store/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { IngestService } from './pipeline.js';

const WS = 'ws_default';

async function setup(store: Store) {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  await store.workspaces.ensureDefault(clock.now());
  const service = new IngestService(store, { clock });
  const meta = { receivedAt: clock.now(), source: 'test' };
  const profileOf = async (kind: 'user_id' | 'anonymous_id' | 'email', value: string) => {
    const id = await store.profiles.findByIdentity(WS, kind, value);
    return id === undefined ? undefined : store.profiles.get(WS, id);
  };
  return { service, meta, profileOf };
}

describeEachStore('IngestService on a real store', (getStore) => {
  it('stores a batch once even when it is ingested three times concurrently', async () => {
    const store = getStore();
    const { service, meta } = await setup(store);
    const batch = Array.from({ length: 200 }, (_, i) => ({ type: 'track', messageId: `m-${i}`, userId: `u-${i % 7}`, event: 'Viewed' }));
    const results = await Promise.all([1, 2, 3].map(() => service.ingest(WS, batch, meta)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(200);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(400);
    expect(await store.events.count(WS)).toBe(200);
    expect(await store.profiles.count(WS)).toBe(7);
  });

  it('accepts a messageId holding NUL once and recognises its redelivery as a duplicate', async () => {
    const store = getStore();
    const { service, meta } = await setup(store);
    const message = { type: 'track', messageId: 'm\u0000nul', userId: 'u-nul', event: 'Viewed' };
    const first = await service.ingest(WS, [message], meta);
    expect(first.results[0]).toMatchObject({ outcome: 'accepted', messageId: 'm\ufffdnul' });
    const again = await service.ingest(WS, [message], meta);
    expect(again.results[0]).toMatchObject({ outcome: 'duplicate' });
    expect(await store.events.count(WS)).toBe(1);
  });

  it('joins anonymous activity to the user on identify and merges traits', async () => {
    const store = getStore();
    const { service, meta, profileOf } = await setup(store);
    await service.ingest(WS, [{ type: 'identify', anonymousId: 'a1', traits: { city: 'Paris' } }, { type: 'page', anonymousId: 'a1', name: 'Home' }], meta);
    await service.ingest(WS, [{ type: 'identify', userId: 'known', traits: { plan: 'pro' } }], meta);
    await service.ingest(WS, [{ type: 'identify', userId: 'known', anonymousId: 'a1', traits: { email: 'K@example.com' } }], meta);
    const user = await profileOf('user_id', 'known');
    expect((await profileOf('anonymous_id', 'a1'))?.id).toBe(user?.id);
    expect((await profileOf('email', 'k@example.com'))?.id).toBe(user?.id);
    expect(user?.traits).toEqual({ city: 'Paris', plan: 'pro', email: 'K@example.com' });
    expect(await store.events.listByProfile(WS, user!.id, { limit: 10 })).toHaveLength(4);
  });

  it('merges within one batch and stores every event on the survivor', async () => {
    const store = getStore();
    const { service, meta, profileOf } = await setup(store);
    await service.ingest(
      WS,
      [
        { type: 'identify', userId: 'u9' },
        { type: 'track', anonymousId: 'a9', event: 'Viewed' },
        { type: 'alias', userId: 'u9', previousId: 'a9' },
        { type: 'track', anonymousId: 'a9', event: 'Bought' },
      ],
      meta,
    );
    const user = await profileOf('user_id', 'u9');
    expect((await profileOf('anonymous_id', 'a9'))?.id).toBe(user?.id);
    const events = await store.events.listByProfile(WS, user!.id, { limit: 10 });
    expect(events.map((e) => e.name ?? e.type).reverse()).toEqual(['identify', 'Viewed', 'alias', 'Bought']);
  });

  it('derives the subscription and notifies listeners of the committed seq', async () => {
    const store = getStore();
    const { service, meta, profileOf } = await setup(store);
    const seqs: number[] = [];
    service.onCommitted((seq) => seqs.push(seq));
    await service.ingest(
      WS,
      [
        { type: 'track', userId: 'u10', event: 'Email Bounced', properties: { bounce_type: 'hard', reason: 'sendgrid:bounce' } },
        { type: 'page', userId: 'u10', context: { consent: { categoryPreferences: { marketing: true } } } },
      ],
      meta,
    );
    expect((await profileOf('user_id', 'u10'))?.subscription).toMatchObject({ state: 'hard_bounced', reason: 'sendgrid:bounce', consent: { marketing: true } });
    expect(seqs).toEqual([await store.events.headSeq()]);
  });
});
