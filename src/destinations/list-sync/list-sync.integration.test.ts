import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { describeEachStore } from '../../store/testing/index.js';
import { DeliveryRepoSql } from '../delivery-repo-sql.js';
import { EMAIL_ELIGIBLE_SEGMENT } from '../delivery-worker.js';
import type { DestinationInput } from '../destination-input.js';
import { DeliveryHarness, FakeKlaviyo, FakeMailchimp, FakeSendGrid, type FakeEspServer } from '../testing/index.js';

const LIST = '0b0d1f9e-7c47-4f2a-9f38-0a8f2d3c4b5e';

/** What the shared scenarios need to know about one ESP and its fake. */
interface EspCase {
  readonly kind: 'sendgrid' | 'mailchimp' | 'klaviyo';
  start(): Promise<FakeEspServer>;
  input(fake: FakeEspServer, segment: string): Partial<DestinationInput>;
  /** Emails the fake holds on the destination's list (or tag) for `segment`. */
  members(fake: FakeEspServer, segmentName: string): string[];
  /** Whether the contact still exists in the ESP (removal must never delete it). */
  exists(fake: FakeEspServer, email: string): boolean;
  /** The operation that adds members in a small batch, to inject a 429 into. */
  addOperation: string;
  /** The job-status operation polled for a large batch. */
  pollOperation: string;
  setJobPolls(fake: FakeEspServer, n: number): void;
}

const cases: EspCase[] = [
  {
    kind: 'sendgrid',
    start: () => FakeSendGrid.start(),
    input: (fake) => ({ kind: 'sendgrid', apiKey: (fake as FakeSendGrid).apiKey, list: LIST, baseUrl: fake.origin, fields: { first_name: 'first_name', plan: 'e1_T' } }),
    members: (fake) => (fake as FakeSendGrid).listMembers(LIST),
    exists: (fake, email) => (fake as FakeSendGrid).contacts.has(email),
    addOperation: 'UpdateContact',
    pollOperation: 'GetImportContact',
    setJobPolls: (fake, n) => ((fake as FakeSendGrid).jobPolls = n),
  },
  {
    kind: 'mailchimp',
    start: () => FakeMailchimp.start(),
    input: (fake) => ({ kind: 'mailchimp', apiKey: (fake as FakeMailchimp).apiKey, list: 'aud1', baseUrl: fake.origin, fields: { first_name: 'FNAME' } }),
    members: (fake, segmentName) => (fake as FakeMailchimp).tagged('aud1', segmentName),
    exists: (fake, email) => (fake as FakeMailchimp).member('aud1', email) !== undefined,
    addOperation: 'putListsIdMembersId',
    pollOperation: 'getBatchesId',
    setJobPolls: (fake, n) => ((fake as FakeMailchimp).jobPolls = n),
  },
  {
    kind: 'klaviyo',
    start: () => FakeKlaviyo.start(),
    input: (fake) => ({ kind: 'klaviyo', apiKey: (fake as FakeKlaviyo).apiKey, list: 'Y6nRLr', baseUrl: fake.origin, fields: { first_name: 'first_name', plan: 'plan' } }),
    members: (fake) => (fake as FakeKlaviyo).listMembers('Y6nRLr'),
    exists: (fake, email) => (fake as FakeKlaviyo).byEmail(email) !== undefined,
    addOperation: 'create_or_update_profile',
    pollOperation: 'get_bulk_import_profiles_job',
    setJobPolls: (fake, n) => ((fake as FakeKlaviyo).jobPolls = n),
  },
];

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setUp(getStore: () => import('../../store/index.js').Store, esp: EspCase) {
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  // Job polls wait on the fake clock: each poll interval really passes, in fake time.
  const h = await DeliveryHarness.create(getStore(), { clock, connect: { polling: { sleep: async (ms) => clock.advance(ms), intervalMs: 1_000, maxPolls: 20 } } });
  const fake = await esp.start();
  cleanup.push(() => h.close(), () => fake.close());
  h.segments.add(h.workspaceId, EMAIL_ELIGIBLE_SEGMENT);
  const vip = h.segments.add(h.workspaceId, 'VIP');
  const dest = await h.destination({ name: `${esp.kind} VIP`, url: undefined, segments: ['VIP'], ...esp.input(fake, 'VIP') } as DestinationInput);
  return { h, fake, clock, vip, dest };
}

async function deliveries(h: DeliveryHarness, destinationId: string) {
  const listed = await h.service.deliveries(h.workspaceId, destinationId, { limit: 1000 });
  if (!listed.ok) throw new Error('no deliveries');
  return listed.value;
}

for (const esp of cases) {
  describeEachStore(`${esp.kind} list sync`, (getStore) => {
    it('adds a person who enters with the mapped fields and removes them on exit without deleting the contact', async () => {
      const { h, fake, vip, dest } = await setUp(getStore, esp);
      const ann = await h.profile({ email: 'Ann@Example.com' });
      await h.traits(ann, { first_name: 'Ann', plan: 'gold' });
      await h.change({ segmentId: vip.id, profileId: ann, kind: 'entered' });
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toEqual(['ann@example.com']);
      const sent = JSON.stringify(fake.requests.map((r) => r.json));
      expect(sent).toContain('Ann');
      if (esp.kind !== 'mailchimp') expect(sent).toContain('gold');

      await h.change({ segmentId: vip.id, profileId: ann, kind: 'exited' });
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toEqual([]);
      expect(esp.exists(fake, 'ann@example.com')).toBe(true);
      expect((await deliveries(h, dest.id)).map((d) => [d.kind, d.status])).toEqual([
        ['entered', 'delivered'],
        ['exited', 'delivered'],
      ]);
      fake.assertValid();
    });

    it('never adds a person unsubscribed in segflow, and removes one who unsubscribes after entering', async () => {
      const { h, fake, vip } = await setUp(getStore, esp);
      const eligibility = await h.segments.get(h.workspaceId, EMAIL_ELIGIBLE_SEGMENT);
      const out = await h.profile({ email: 'out@example.com', subscription: { state: 'unsubscribed' } });
      const bob = await h.profile({ email: 'bob@example.com' });
      await h.change({ segmentId: vip.id, profileId: out, kind: 'entered' }, { segmentId: vip.id, profileId: bob, kind: 'entered' });
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toEqual(['bob@example.com']);
      expect(esp.exists(fake, 'out@example.com')).toBe(false);

      await h.setSubscription(bob, { state: 'unsubscribed' });
      await h.change({ segmentId: eligibility?.id ?? '', profileId: bob, kind: 'exited' });
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toEqual([]);
      fake.assertValid();
    });

    it('waits as long as a 429 Retry-After asks, then syncs, and counts the wait on the destination', async () => {
      const { h, fake, clock, vip, dest } = await setUp(getStore, esp);
      fake.fail({ operationId: esp.addOperation, reply: { status: 429, headers: { 'retry-after': '30' }, body: { errors: [{ detail: 'throttled' }] } } });
      const ann = await h.profile({ email: 'ann@example.com' });
      await h.change({ segmentId: vip.id, profileId: ann, kind: 'entered' });
      const before = clock.now();
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toEqual([]);
      const due = await new DeliveryRepoSql(h.store.sql).nextDue(dest.id);
      expect((due ?? 0) - before).toBeGreaterThanOrEqual(30_000);
      clock.advanceTo((due ?? 0) - 1);
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toEqual([]);
      clock.advanceTo(due ?? 0);
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toEqual(['ann@example.com']);
      const view = await h.service.get(h.workspaceId, dest.id);
      expect(view.ok && [view.value.rateLimitWaits, view.value.lastError?.includes('429')]).toEqual([1, true]);
      fake.assertValid();
    });

    it('polls a large batch\'s asynchronous job until it completes', async () => {
      const { h, fake, vip } = await setUp(getStore, esp);
      esp.setJobPolls(fake, 3);
      const people: string[] = [];
      for (let i = 0; i < 25; i++) people.push(await h.profile({ email: `p${String(i).padStart(2, '0')}@example.com` }));
      await h.change(...people.map((profileId) => ({ segmentId: vip.id, profileId, kind: 'entered' as const })));
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toHaveLength(25);
      expect(fake.calls(esp.pollOperation).length).toBeGreaterThanOrEqual(4);
      fake.assertValid();
    });

    it('surfaces a contact the ESP rejects as a permanent error on the destination while the rest of the batch syncs', async () => {
      const { h, fake, vip, dest } = await setUp(getStore, esp);
      const bad = await h.profile({ email: 'not-an-address@invalid' });
      const good = await h.profile({ email: 'good@example.com' });
      await h.change({ segmentId: vip.id, profileId: bad, kind: 'entered' }, { segmentId: vip.id, profileId: good, kind: 'entered' });
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toEqual(['good@example.com']);
      const list = await deliveries(h, dest.id);
      expect(list.map((d) => [d.profileId, d.status])).toEqual([
        [bad, 'dead'],
        [good, 'delivered'],
      ]);
      expect(list[0]?.attemptLog).toHaveLength(1);
      const view = await h.service.get(h.workspaceId, dest.id);
      expect(view.ok && view.value.lastError).toBeTruthy();
      fake.assertValid();
    });

    it('sends the current members first when created with an initial sync, then the changes that follow', async () => {
      const clock = new FakeClock(Date.UTC(2026, 5, 1));
      const h = await DeliveryHarness.create(getStore(), { clock, connect: { polling: { sleep: async (ms) => clock.advance(ms), intervalMs: 1_000, maxPolls: 20 } } });
      const fake = await esp.start();
      cleanup.push(() => h.close(), () => fake.close());
      h.segments.add(h.workspaceId, EMAIL_ELIGIBLE_SEGMENT);
      const vip = h.segments.add(h.workspaceId, 'VIP');
      const ann = await h.profile({ email: 'ann@example.com' });
      const bob = await h.profile({ email: 'bob@example.com' });
      await h.change({ segmentId: vip.id, profileId: ann, kind: 'entered' }, { segmentId: vip.id, profileId: bob, kind: 'entered' });
      const created = await h.service.create(h.workspaceId, { name: 'sync', segments: ['VIP'], ...esp.input(fake, 'VIP') } as DestinationInput);
      expect(created.ok && created.value.initialSync).toBe(2);
      await h.change({ segmentId: vip.id, profileId: bob, kind: 'exited' });
      await h.worker.tick();
      expect(esp.members(fake, 'VIP')).toEqual(['ann@example.com']);
      fake.assertValid();
    });
  });
}

describeEachStore('list sync and ESP-side unsubscribes', (getStore) => {
  it('tags a Mailchimp member who unsubscribed in Mailchimp without resubscribing them', async () => {
    const esp = cases[1] as EspCase;
    const { h, fake, vip } = await setUp(getStore, esp);
    (fake as FakeMailchimp).seed('aud1', 'gone@example.com', 'unsubscribed');
    const gone = await h.profile({ email: 'gone@example.com' });
    await h.change({ segmentId: vip.id, profileId: gone, kind: 'entered' });
    await h.worker.tick();
    expect((fake as FakeMailchimp).member('aud1', 'gone@example.com')).toMatchObject({ status: 'unsubscribed', tags: new Set(['VIP']) });
    fake.assertValid();
  });

  it('puts a Klaviyo profile that unsubscribed in Klaviyo on the list without changing its consent', async () => {
    const esp = cases[2] as EspCase;
    const { h, fake, vip } = await setUp(getStore, esp);
    (fake as FakeKlaviyo).seed('gone@example.com', 'UNSUBSCRIBED');
    const gone = await h.profile({ email: 'gone@example.com' });
    await h.change({ segmentId: vip.id, profileId: gone, kind: 'entered' });
    await h.worker.tick();
    expect((fake as FakeKlaviyo).listMembers('Y6nRLr')).toEqual(['gone@example.com']);
    expect((fake as FakeKlaviyo).byEmail('gone@example.com')?.consent).toBe('UNSUBSCRIBED');
    expect(fake.calls('bulk_subscribe_profiles')).toEqual([]);
    fake.assertValid();
  });
});
