/**
 * Consent over time through the real pipeline — ingestion, the engine (which keeps the `__consent_<category>`
 * system segments), the change log and the delivery worker to a real HTTP receiver — on both databases: consent
 * given in identify traits counts like `context.consent`, a withdrawal by itself sends an exit to a destination that
 * needs the category (and to no other), and granting it again sends the entry that was held back.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { Engine, EngineSegmentService } from '../engine/index.js';
import { IngestService } from '../ingest/index.js';
import { MembershipRepoSql, SqlChangeLog } from '../membership/index.js';
import type { Store } from '../store/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { connectDestination } from './connect-destination.js';
import { consentSegmentName, ensureConsentSegments } from './consent-segments.js';
import { parseDestinationAllowlist } from './destination-allowlist.js';
import { DeliveryWorker } from './delivery-worker.js';
import { DestinationService } from './destination-service.js';
import { SsrfGuard } from './ssrf-guard.js';
import { TestReceiver } from './testing/index.js';

const T0 = Date.UTC(2026, 4, 4, 10);
const WS = 'ws_default';

describeEachStore('consent withdrawal and consent in traits', (getStore) => {
  let store: Store;
  let clock: FakeClock;
  let receiver: TestReceiver;
  const cleanup: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    store = getStore();
    clock = new FakeClock(T0);
    receiver = await TestReceiver.start();
    cleanup.push(() => receiver.close());
    await store.workspaces.ensureDefault(T0);
  });
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });

  async function setup() {
    const changeLog = new SqlChangeLog(store.sql);
    const engine = new Engine({ store, clock, changeLog, lease: false });
    await engine.start();
    cleanup.push(() => engine.stop());
    const ingest = new IngestService(store, { clock });
    ingest.onCommitted(() => engine.wake());
    cleanup.push(() => ingest.drain());
    const segments = new EngineSegmentService(store, engine, changeLog);
    const guard = new SsrfGuard({ allowlist: parseDestinationAllowlist('127.0.0.1') });
    const service = new DestinationService({
      store,
      changeLog,
      guard,
      clock,
      segments,
      ensureConsentSegments: (ws, categories) => ensureConsentSegments(segments, ws, categories),
    });
    const worker = new DeliveryWorker({ store, changeLog, segments, clock, connect: (d) => connectDestination(d, { guard, clock }), random: () => 0.5 });
    const vip = await segments.create(WS, { name: 'VIP', rule: 'traits.vip = true' });
    if (!vip.ok) throw new Error(JSON.stringify(vip.error));
    for (const [name, consentCategories] of [
      ['ads', ['Marketing']],
      ['crm', undefined],
    ] as const) {
      const created = await service.create(WS, { name, url: `${receiver.origin}/${name}`, segments: [vip.value.id], ...(consentCategories ? { consentCategories } : {}) });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
    }
    const send = async (message: Record<string, unknown>): Promise<void> => {
      const r = await ingest.ingest(WS, [{ timestamp: new Date(clock.now()).toISOString(), ...message }], { receivedAt: clock.now(), source: 'http' });
      expect(r.results[0]?.outcome).toBe('accepted');
    };
    const deliver = async (): Promise<void> => {
      await engine.idle();
      await worker.tick();
    };
    const sent = (path: string): string[] =>
      receiver.requests
        .filter((r) => r.path === path)
        .map((r) => {
          const body = JSON.parse(r.body) as { type: string; data: { profile: { userId?: string }; cause: { kind: string; category?: string } } };
          return `${body.type} ${body.data.profile.userId ?? ''} ${body.data.cause.kind}${body.data.cause.category ? `:${body.data.cause.category}` : ''}`;
        });
    return { vip: vip.value, segments, send, deliver, sent, store };
  }

  it('registers the consent system segment of each declared category, and consent given in traits or in the context lets the person through', async () => {
    const t = await setup();
    expect((await t.segments.get(WS, consentSegmentName('marketing')))?.ruleText).toBe('consent("marketing")');
    await t.send({ type: 'identify', userId: 'by-traits', traits: { vip: true, consent: { marketing: true } } });
    await t.send({ type: 'identify', userId: 'by-context', traits: { vip: true }, context: { consent: { categoryPreferences: { marketing: true } } } });
    // Both in traits and context: the context wins (refused), so this one is held back.
    await t.send({ type: 'identify', userId: 'both', traits: { vip: true, consent: { marketing: true } }, context: { consent: { categoryPreferences: { marketing: false } } } });
    await t.send({ type: 'identify', userId: 'silent', traits: { vip: true } });
    await t.deliver();
    expect(t.sent('/ads').sort()).toEqual(['segment.entered by-context event', 'segment.entered by-traits event']);
    expect(t.sent('/crm')).toHaveLength(4);
    const profile = await t.store.profiles.get(WS, (await t.store.profiles.findByIdentity(WS, 'user_id', 'by-traits'))!);
    expect(profile?.subscription.consent).toEqual({ marketing: true });
  });

  it('sends an exit to the consent-gated destination alone when consent is withdrawn (in traits or in the context), and the entry again when it is granted back', async () => {
    const t = await setup();
    await t.send({ type: 'identify', userId: 'u1', traits: { vip: true, consent: { marketing: true } } });
    await t.send({ type: 'identify', userId: 'u2', traits: { vip: true }, context: { consent: { categoryPreferences: { Marketing: true } } } });
    await t.deliver();
    expect(t.sent('/ads').sort()).toEqual(['segment.entered u1 event', 'segment.entered u2 event']);

    clock.advance(60_000);
    await t.send({ type: 'identify', userId: 'u1', traits: { consent: { marketing: false } } });
    await t.send({ type: 'track', userId: 'u2', event: 'Page Viewed', context: { consent: { categoryPreferences: { marketing: false } } } });
    await t.deliver();
    expect(t.sent('/ads').slice(2).sort()).toEqual(['segment.exited u1 consent:marketing', 'segment.exited u2 consent:marketing']);
    // Still VIP: the segment did not change, and the destination that needs no consent heard nothing more.
    expect(await new MembershipRepoSql(t.store.sql).count(t.vip.id)).toBe(2);
    expect(t.sent('/crm')).toEqual(['segment.entered u1 event', 'segment.entered u2 event'].sort());

    clock.advance(60_000);
    await t.send({ type: 'track', userId: 'u1', event: 'Page Viewed', context: { consent: { categoryPreferences: { marketing: true } } } });
    await t.deliver();
    expect(t.sent('/ads').slice(4)).toEqual(['segment.entered u1 consent:marketing']);
    // Leaving VIP afterwards: the exit goes to the destination that was told (u1), never for one held back (u2).
    clock.advance(60_000);
    await t.send({ type: 'identify', userId: 'u1', traits: { vip: false } });
    await t.send({ type: 'identify', userId: 'u2', traits: { vip: false } });
    await t.deliver();
    expect(t.sent('/ads').slice(5)).toEqual(['segment.exited u1 event']);
  });
});
