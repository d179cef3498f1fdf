import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import type { Store } from '../store/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { DeliveryHarness } from './testing/index.js';

describeEachStore('consent categories on destinations', (getStore) => {
  let h: DeliveryHarness;
  let store: Store;
  beforeEach(async () => {
    store = getStore();
    h = await DeliveryHarness.create(store, { clock: new FakeClock(Date.UTC(2026, 3, 1)) });
  });
  afterEach(async () => {
    await h.close();
  });

  it('never sends a person without every declared consent category, and sends the others as before', async () => {
    const seg = h.segments.add(h.workspaceId, 'VIP');
    await h.destination({ name: 'ads', url: `${h.receiver.origin}/ads`, consentCategories: ['Marketing', 'advertising'] });
    await h.destination({ name: 'crm', url: `${h.receiver.origin}/crm` });
    const consenting = await h.profile({ userId: 'yes', subscription: { consent: { marketing: true, Advertising: true } } });
    const partial = await h.profile({ userId: 'half', subscription: { consent: { marketing: true } } });
    const refusing = await h.profile({ userId: 'no', subscription: { consent: { marketing: false, advertising: true } } });
    const silent = await h.profile({ userId: 'quiet' });
    for (const profileId of [consenting, partial, refusing, silent]) await h.change({ segmentId: seg.id, profileId, kind: 'entered' });
    await h.change({ segmentId: seg.id, profileId: refusing, kind: 'exited' });
    await h.worker.tick();
    const sent = (path: string) =>
      h.receiver.requests.filter((r) => r.path === path).map((r) => {
        const body = JSON.parse(r.body) as { type: string; data: { profile: { userId?: string } } };
        return `${body.type} ${body.data.profile.userId ?? ''}`;
      });
    expect(sent('/ads')).toEqual(['segment.entered yes']);
    expect(sent('/crm').sort()).toEqual(['segment.entered half', 'segment.entered no', 'segment.entered quiet', 'segment.entered yes', 'segment.exited no']);
  });

  it('refuses a category that is not a name, and stores the declared ones lower-cased', async () => {
    const bad = await h.service.create(h.workspaceId, { name: 'x', url: `${h.receiver.origin}/x`, segments: 'all', consentCategories: ['mar keting'] });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatchObject({ field: 'consentCategories' });
    const good = await h.service.create(h.workspaceId, { name: 'y', url: `${h.receiver.origin}/y`, segments: 'all', consentCategories: ['Marketing', 'marketing'] });
    expect(good.ok && good.value.destination.config.consentCategories).toEqual(['marketing']);
  });
});
