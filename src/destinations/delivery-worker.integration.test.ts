import { Webhook } from 'standardwebhooks';
import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { DeliveryRepoSql } from './delivery-repo-sql.js';
import { EMAIL_ELIGIBLE_SEGMENT } from './delivery-worker.js';
import { DestinationRepoSql } from './destination-repo-sql.js';
import { DeliveryHarness } from './testing/index.js';

let harness: DeliveryHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const bodyOf = (h: DeliveryHarness, i: number): { type: string; data: { profile: { id: string }; segment: { id: string } } } =>
  JSON.parse(h.receiver.requests[i]?.body ?? 'null');

/** Moves the fake clock to the earliest pending retry. */
async function advanceToNextRetry(h: DeliveryHarness, destinationId: string): Promise<void> {
  const at = await new DeliveryRepoSql(h.store.sql).nextDue(destinationId);
  if (at === undefined) throw new Error('nothing pending');
  (h.clock as FakeClock).advanceTo(Math.max(at, h.clock.now()));
}

describeEachStore('delivery worker', (getStore) => {
  it('retries through a 500, a 429 with Retry-After and a timeout to one delivery with the same webhook-id', async () => {
    const h = (harness = await DeliveryHarness.create(getStore()));
    const vip = h.segments.add(h.workspaceId, 'VIP');
    const dest = await h.destination();
    const person = await h.profile({ email: 'ann@example.com', userId: 'u-ann' });
    const seq = await h.change({ segmentId: vip.id, profileId: person, kind: 'entered' });
    h.receiver.reply(
      { kind: 'status', status: 500 },
      { kind: 'status', status: 429, headers: { 'retry-after': '120' } },
      { kind: 'hang' },
    );

    expect(await h.worker.tick()).toEqual({ created: 1, attempted: 1 });
    await advanceToNextRetry(h, dest.id);
    const beforeRetryAfter = h.clock.now();
    await h.worker.tick();
    await advanceToNextRetry(h, dest.id);
    expect(h.clock.now() - beforeRetryAfter).toBeGreaterThanOrEqual(120_000);
    const hanging = h.worker.tick();
    await h.receiver.waitForRequests(3);
    (h.clock as FakeClock).advance(10_000);
    await hanging;
    await advanceToNextRetry(h, dest.id);
    await h.worker.tick();

    expect(h.receiver.requests).toHaveLength(4);
    const ids = new Set(h.receiver.requests.map((r) => r.headers['webhook-id']));
    expect([...ids]).toEqual([`msg_${seq}_0_${dest.id}`]);
    for (const r of h.receiver.requests) {
      expect(new Webhook(dest.secret).verify(r.body, r.headers as Record<string, string>)).toMatchObject({
        type: 'segment.entered',
        data: { segment: { id: vip.id, name: 'VIP', version: 1 }, profile: { id: person, userId: 'u-ann', email: 'ann@example.com' } },
      });
    }
    const listed = await h.service.deliveries(h.workspaceId, dest.id, { limit: 10 });
    expect(listed.ok && listed.value.map((d) => [d.status, d.attemptLog.map((a) => [a.outcome, a.status, a.error?.slice(0, 13) ?? null])])).toEqual([
      [
        'delivered',
        [
          ['retry', 500, 'HTTP 500'],
          ['retry', 429, 'HTTP 429'],
          ['retry', null, 'total timeout'],
          ['delivered', 200, null],
        ],
      ],
    ]);
  });

  it('keeps each profile in order while a failing profile waits and others proceed', async () => {
    const h = (harness = await DeliveryHarness.create(getStore()));
    const s = h.segments.add(h.workspaceId, 'Cart abandoners');
    const dest = await h.destination();
    const ann = await h.profile({ email: 'ann@example.com' });
    const bob = await h.profile({ email: 'bob@example.com' });
    await h.change(
      { segmentId: s.id, profileId: ann, kind: 'entered' },
      { segmentId: s.id, profileId: bob, kind: 'entered' },
      { segmentId: s.id, profileId: ann, kind: 'exited' },
      { segmentId: s.id, profileId: bob, kind: 'exited' },
    );
    let annFailures = 2;
    h.receiver.respond = (r) => {
      const body = JSON.parse(r.body) as { data: { profile: { id: string } } };
      return body.data.profile.id === ann && annFailures-- > 0 ? { kind: 'status', status: 503 } : undefined;
    };

    await h.worker.tick();
    const seen = (): string[] => h.receiver.requests.map((_, i) => `${bodyOf(h, i).data.profile.id === ann ? 'ann' : 'bob'}:${bodyOf(h, i).type}`);
    expect(seen().filter((x) => x.startsWith('bob'))).toEqual(['bob:segment.entered', 'bob:segment.exited']);
    expect(seen().filter((x) => x.startsWith('ann'))).toEqual(['ann:segment.entered']);
    await advanceToNextRetry(h, dest.id);
    await h.worker.tick();
    await advanceToNextRetry(h, dest.id);
    await h.worker.tick();
    expect(seen().filter((x) => x.startsWith('ann'))).toEqual(['ann:segment.entered', 'ann:segment.entered', 'ann:segment.entered', 'ann:segment.exited']);
  });

  it('dead-letters exhausted deliveries, disables the destination with an operational event, and resumes after re-enable and replay', async () => {
    const h = (harness = await DeliveryHarness.create(getStore(), {
      worker: { policy: { maxAttempts: 2, disableAfterDeadLetters: 2 } },
    }));
    const s = h.segments.add(h.workspaceId, 'Lapsed');
    const dest = await h.destination();
    const people = [await h.profile(), await h.profile()];
    await h.change(...people.map((p) => ({ segmentId: s.id, profileId: p, kind: 'entered' as const })));
    h.receiver.fallback = { kind: 'status', status: 500 };

    await h.worker.tick();
    await advanceToNextRetry(h, dest.id);
    await h.worker.tick();
    const disabled = await h.service.get(h.workspaceId, dest.id);
    expect(disabled.ok && [disabled.value.enabled, disabled.value.disabledReason, disabled.value.counts]).toEqual([
      false,
      'auto',
      { pending: 0, delivered: 0, dead: 2 },
    ]);
    const events = await h.service.events(h.workspaceId, dest.id);
    expect(events.map((e) => [e.kind, e.detail.reason])).toEqual([['destination.disabled', 'consecutive_dead_letters']]);

    // Changes keep being recorded while disabled, and are not sent.
    const later = await h.profile();
    await h.change({ segmentId: s.id, profileId: later, kind: 'entered' });
    expect(await h.worker.tick()).toEqual({ created: 1, attempted: 0 });

    h.receiver.fallback = { kind: 'status', status: 204 };
    const enabled = await h.service.update(h.workspaceId, dest.id, { enabled: true });
    expect(enabled.ok && [enabled.value.enabled, enabled.value.disabledReason, enabled.value.consecutiveDead]).toEqual([true, null, 0]);
    await h.worker.tick();
    const deadIds = (await h.service.deliveries(h.workspaceId, dest.id, { status: 'dead', limit: 10 }));
    expect(deadIds.ok && deadIds.value).toHaveLength(2);
    const first = deadIds.ok ? deadIds.value[0] : undefined;
    expect(await h.service.replayDelivery(h.workspaceId, dest.id, first?.id ?? '')).toEqual({ ok: true, value: { replayed: 1 } });
    const requestsBefore = h.receiver.requests.length;
    await h.worker.tick();
    expect(h.receiver.requests.slice(requestsBefore).map((r) => r.headers['webhook-id'])).toEqual([first?.id]);
    const range = await h.service.replayRange(h.workspaceId, dest.id, 0, Number.MAX_SAFE_INTEGER);
    expect(range).toEqual({ ok: true, value: { replayed: 3 } });
    await h.worker.tick();
    const after = await h.service.get(h.workspaceId, dest.id);
    expect(after.ok && after.value.counts).toEqual({ pending: 0, delivered: 3, dead: 0 });
  });

  it('delivers after a restart, once, with the id the first worker would have used', async () => {
    const h = (harness = await DeliveryHarness.create(getStore()));
    const s = h.segments.add(h.workspaceId, 'VIP');
    const dest = await h.destination();
    const p = await h.profile();
    const seq = await h.change({ segmentId: s.id, profileId: p, kind: 'entered' });
    // The first worker routes the change and "dies" while sending: its send never completes, so it never
    // records anything, exactly like a process killed mid-request.
    let sentByTheDead: string | undefined;
    let sending: () => void = () => {};
    const sendingStarted = new Promise<void>((resolve) => (sending = resolve));
    const dying = h.newWorker(() => ({
      deliver: (message) => {
        sentByTheDead = message.id;
        sending();
        return new Promise(() => {});
      },
    }));
    void dying.tick();
    await sendingStarted;
    const restarted = h.newWorker();
    // The dead worker never released its lease on the destination: the new one takes over when it runs out.
    expect(await restarted.tick()).toEqual({ created: 0, attempted: 0 });
    (h.clock as FakeClock).advance(60_000);
    expect(await restarted.tick()).toEqual({ created: 0, attempted: 1 });
    // A third process start finds nothing more to do.
    expect(await h.newWorker().tick()).toEqual({ created: 0, attempted: 0 });
    expect(sentByTheDead).toBe(`msg_${seq}_0_${dest.id}`);
    expect(h.receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([`msg_${seq}_0_${dest.id}`]);
    expect((await new DestinationRepoSql(h.store.sql).byId(dest.id))?.cursorSeq).toBe(seq);
  });

  it('sends only the segments a destination selected and nothing from before it was created', async () => {
    const h = (harness = await DeliveryHarness.create(getStore()));
    const a = h.segments.add(h.workspaceId, 'A');
    const b = h.segments.add(h.workspaceId, 'B');
    const p = await h.profile();
    await h.change({ segmentId: a.id, profileId: p, kind: 'entered' });
    await h.destination({ segments: [a.id] });
    await h.change({ segmentId: b.id, profileId: p, kind: 'entered' }, { segmentId: a.id, profileId: p, kind: 'exited' });
    await h.worker.tick();
    expect(h.receiver.requests.map((_, i) => [bodyOf(h, i).type, bodyOf(h, i).data.segment.id])).toEqual([['segment.exited', a.id]]);
  });

  it('lets only the lease holder send a destination, and another worker take over once the lease runs out', async () => {
    const h = (harness = await DeliveryHarness.create(getStore(), { worker: { leaseMs: 30_000 } }));
    const s = h.segments.add(h.workspaceId, 'VIP');
    await h.destination();
    const first = h.worker;
    const second = h.newWorker();
    await h.change({ segmentId: s.id, profileId: await h.profile(), kind: 'entered' });
    expect(await first.tick()).toEqual({ created: 1, attempted: 1 });
    await h.change({ segmentId: s.id, profileId: await h.profile(), kind: 'entered' });
    expect(await second.tick()).toEqual({ created: 0, attempted: 0 });
    // The first worker dies without releasing; its lease expires.
    (h.clock as FakeClock).advance(30_000);
    expect(await second.tick()).toEqual({ created: 1, attempted: 1 });
    expect(await first.tick()).toEqual({ created: 0, attempted: 0 });
    // A clean stop releases at once.
    await second.stop();
    await h.change({ segmentId: s.id, profileId: await h.profile(), kind: 'entered' });
    expect(await first.tick()).toEqual({ created: 1, attempted: 1 });
    expect(new Set(h.receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(3);
  });

  it('wakes on appended changes and on due retries once started', async () => {
    const h = (harness = await DeliveryHarness.create(getStore()));
    const s = h.segments.add(h.workspaceId, 'VIP');
    await h.destination();
    h.receiver.reply({ kind: 'status', status: 502 });
    h.worker.start();
    await h.change({ segmentId: s.id, profileId: await h.profile(), kind: 'entered' });
    await h.receiver.waitForRequests(1);
    await h.worker.tick();
    (h.clock as FakeClock).advance(60_000);
    await h.receiver.waitForRequests(2);
    expect(h.receiver.requests.map((r) => r.headers['webhook-id'])).toHaveLength(2);
  });
});

describeEachStore('email-targeting suppression', (getStore) => {
  it('holds back entries of people who may not be emailed and takes back what was told when they become ineligible', async () => {
    const h = (harness = await DeliveryHarness.create(getStore()));
    const vip = h.segments.add(h.workspaceId, 'VIP');
    const buyers = h.segments.add(h.workspaceId, 'Buyers');
    const eligible = h.segments.add(h.workspaceId, EMAIL_ELIGIBLE_SEGMENT);
    const email = await h.destination({ emailTargeting: true });
    const raw = await h.destination({ name: 'raw stream', url: `${h.receiver.origin}/raw` });
    const noEmail = await h.profile();
    const refusedConsent = await h.profile({ email: 'c@example.com', subscription: { consent: { Marketing: false } } });
    const ann = await h.profile({ email: 'ann@example.com' });

    await h.change(
      { segmentId: vip.id, profileId: noEmail, kind: 'entered' },
      { segmentId: vip.id, profileId: refusedConsent, kind: 'entered' },
      { segmentId: eligible.id, profileId: ann, kind: 'entered' },
      { segmentId: vip.id, profileId: ann, kind: 'entered' },
      { segmentId: buyers.id, profileId: ann, kind: 'entered' },
    );
    await h.worker.tick();
    const sent = (path: string): string[] =>
      h.receiver.requests.flatMap((r, i) => (r.path === path ? [`${bodyOf(h, i).type}:${bodyOf(h, i).data.segment.id === vip.id ? 'VIP' : 'Buyers'}:${bodyOf(h, i).data.profile.id === ann ? 'ann' : 'other'}`] : []));
    expect(sent('/hook')).toEqual(['segment.entered:VIP:ann', 'segment.entered:Buyers:ann']);
    expect(sent('/raw')).toHaveLength(4);

    // Ann unsubscribes: the engine moves her out of __email_eligible; the destination hears she left both.
    await h.setSubscription(ann, { state: 'unsubscribed' });
    await h.change({ segmentId: eligible.id, profileId: ann, kind: 'exited' });
    await h.worker.tick();
    expect(sent('/hook').slice(2).sort()).toEqual(['segment.exited:Buyers:ann', 'segment.exited:VIP:ann']);

    // While unsubscribed, leaving a segment is not news to the destination; she resubscribes and is told again.
    await h.change({ segmentId: buyers.id, profileId: ann, kind: 'exited' });
    await h.worker.tick();
    expect(sent('/hook')).toHaveLength(4);
    await h.setSubscription(ann, { state: 'subscribed' });
    await h.change({ segmentId: eligible.id, profileId: ann, kind: 'entered' });
    await h.worker.tick();
    expect(sent('/hook').slice(4)).toEqual(['segment.entered:VIP:ann']);
    const last = JSON.parse(h.receiver.requests.filter((r) => r.path === '/hook').at(-1)?.body ?? '{}') as { data: { cause: unknown } };
    expect(last.data.cause).toEqual({ kind: 'email_eligibility', eligible: true });
    expect(email.id).not.toBe(raw.id);
  });

  it('suppresses an entry when the profile is ineligible at routing time even before the eligibility exit arrives', async () => {
    const h = (harness = await DeliveryHarness.create(getStore()));
    const vip = h.segments.add(h.workspaceId, 'VIP');
    await h.destination({ emailTargeting: true });
    const bounced = await h.profile({ email: 'b@example.com', subscription: { state: 'hard_bounced' } });
    await h.change({ segmentId: vip.id, profileId: bounced, kind: 'entered' }, { segmentId: vip.id, profileId: bounced, kind: 'exited' });
    expect(await h.worker.tick()).toEqual({ created: 0, attempted: 0 });
    expect(h.receiver.requests).toHaveLength(0);
  });
});
