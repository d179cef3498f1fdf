import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { describeEachStore } from '../../store/testing/index.js';
import { EMAIL_ELIGIBLE_SEGMENT } from '../delivery-worker.js';
import { DeliveryHarness, FakeKlaviyo, FakeSendGrid } from '../testing/index.js';

const LIST = '0b0d1f9e-7c47-4f2a-9f38-0a8f2d3c4b5e';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function harness(store: Store): Promise<DeliveryHarness> {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const h = await DeliveryHarness.create(store, { clock, connect: { polling: { sleep: async (ms) => clock.advance(ms), intervalMs: 1_000, maxPolls: 20 } } });
  cleanup.push(() => h.close());
  h.segments.add(h.workspaceId, EMAIL_ELIGIBLE_SEGMENT);
  return h;
}

describeEachStore('initial sync and resync', (getStore, kind) => {
  // 10,000 on SQLite. On PostgreSQL the same path costs a few round trips per member (profile read, told
  // state, delivery row — not yet batched) and took over 10 minutes on the shared 2-core machine, so it runs
  // with 1,000 there; the code path is the same.
  const members = kind === 'sqlite' ? 10_000 : 1_000;
  it(`sends ${members.toLocaleString('en')} existing members to SendGrid when the destination is created, in batches`, async () => {
    const h = await harness(getStore());
    const fake = await FakeSendGrid.start();
    cleanup.push(() => fake.close());
    const vip = h.segments.add(h.workspaceId, 'VIP');
    const people: string[] = [];
    for (let i = 0; i < members; i++) people.push(await h.profile({ email: `member${i}@example.com` }));
    await h.change(...people.map((profileId) => ({ segmentId: vip.id, profileId, kind: 'entered' as const })));

    const created = await h.service.create(h.workspaceId, { name: 'all VIPs', kind: 'sendgrid', apiKey: fake.apiKey, list: LIST, baseUrl: fake.origin, segments: ['VIP'] });
    expect(created.ok && created.value.initialSync).toBe(members);
    await h.worker.tick();

    expect(fake.listMembers(LIST)).toHaveLength(members);
    const upserts = fake.calls('UpdateContact');
    // The worker hands the sender up to 5,000 due deliveries at a time; each becomes one upsert (SendGrid takes 30,000).
    expect(upserts.map((r) => (r.json as { contacts: unknown[] }).contacts.length)).toEqual(Array.from({ length: Math.ceil(members / 5_000) }, (_, i) => Math.min(5_000, members - i * 5_000)));
    const view = created.ok ? await h.service.get(h.workspaceId, created.value.destination.id) : undefined;
    expect(view?.ok && view.value.counts).toEqual({ pending: 0, delivered: members, dead: 0 });
    fake.assertValid();
  }, 300_000);

  it('repairs drift in a Klaviyo list it can read back: adds the missing member, removes the stranger, reports both', async () => {
    const h = await harness(getStore());
    const fake = await FakeKlaviyo.start();
    cleanup.push(() => fake.close());
    const vip = h.segments.add(h.workspaceId, 'VIP');
    const ann = await h.profile({ email: 'ann@example.com' });
    const bob = await h.profile({ email: 'bob@example.com' });
    await h.change({ segmentId: vip.id, profileId: ann, kind: 'entered' }, { segmentId: vip.id, profileId: bob, kind: 'entered' });
    const created = await h.service.create(h.workspaceId, { name: 'VIPs', kind: 'klaviyo', apiKey: fake.apiKey, list: 'Y6nRLr', baseUrl: fake.origin, segments: ['VIP'] });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    await h.worker.tick();
    expect(fake.listMembers('Y6nRLr')).toEqual(['ann@example.com', 'bob@example.com']);

    // Drift: someone in Klaviyo removed Bob from the list and added a stranger.
    fake.lists.get('Y6nRLr')?.delete(fake.byEmail('bob@example.com')?.id ?? '');
    fake.seed('stranger@example.com', 'SUBSCRIBED', 'Y6nRLr');

    const report = await h.service.resync(h.workspaceId, created.value.destination.id);
    expect(report.ok && report.value.targets).toEqual([
      { target: 'Y6nRLr', segments: [vip.id], expected: 2, inEsp: 2, added: ['bob@example.com'], removed: ['stranger@example.com'] },
    ]);
    await h.worker.tick();
    expect(fake.listMembers('Y6nRLr')).toEqual(['ann@example.com', 'bob@example.com']);
    expect(fake.byEmail('stranger@example.com')).toBeDefined();
    fake.assertValid();
  });

  it('re-sends every member to SendGrid, whose lists cannot be read back, and reports that it could not compare', async () => {
    const h = await harness(getStore());
    const fake = await FakeSendGrid.start();
    cleanup.push(() => fake.close());
    const vip = h.segments.add(h.workspaceId, 'VIP');
    const ann = await h.profile({ email: 'ann@example.com' });
    await h.change({ segmentId: vip.id, profileId: ann, kind: 'entered' });
    const created = await h.service.create(h.workspaceId, { name: 'VIPs', kind: 'sendgrid', apiKey: fake.apiKey, list: LIST, baseUrl: fake.origin, segments: ['VIP'] });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    await h.worker.tick();
    fake.contacts.get('ann@example.com')?.listIds.clear();

    const report = await h.service.resync(h.workspaceId, created.value.destination.id);
    expect(report.ok && report.value.targets.map((t) => [t.inEsp, t.added, t.removed])).toEqual([[null, ['ann@example.com'], []]]);
    await h.worker.tick();
    expect(fake.listMembers(LIST)).toEqual(['ann@example.com']);
    fake.assertValid();
  });
});
