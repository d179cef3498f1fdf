import { afterEach, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { DeliveryHarness, TestReceiver } from './testing/index.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describeEachStore('destination isolation', (getStore) => {
  it('keeps delivering to a healthy destination while another one hangs', async () => {
    const delivered: string[] = [];
    const waiters: { n: number; resolve: () => void }[] = [];
    const h = await DeliveryHarness.create(getStore(), {
      clock: new FakeClock(Date.UTC(2026, 5, 1)),
      worker: {
        onAttempt: (a) => {
          if (a.outcome !== 'delivered') return;
          delivered.push(a.destinationId);
          for (const w of waiters.filter((x) => delivered.length >= x.n)) w.resolve();
        },
      },
    });
    const hanging = await TestReceiver.start();
    hanging.fallback = { kind: 'hang' };
    // The hanging receiver goes first: it must be closed before the worker stops, or its pump waits forever.
    cleanup.push(
      () => hanging.close(),
      () => h.close(),
    );
    const deliveredCount = (n: number): Promise<void> => (delivered.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })));
    const segment = h.segments.add(h.workspaceId, 'VIP');
    const dead = await h.destination({ name: 'hangs', url: `${hanging.origin}/hook` });
    const healthy = await h.destination({ name: 'healthy' });
    h.worker.start();

    await h.change({ segmentId: segment.id, profileId: await h.profile({ email: 'a@example.com' }), kind: 'entered' });
    await hanging.waitForRequests(1);
    await deliveredCount(1);
    // A second change while the first destination still hangs: the healthy one gets it too.
    await h.change({ segmentId: segment.id, profileId: await h.profile({ email: 'b@example.com' }), kind: 'entered' });
    await deliveredCount(2);

    expect(delivered).toEqual([healthy.id, healthy.id]);
    expect(h.receiver.requests).toHaveLength(2);
    expect(hanging.requests).toHaveLength(1);
    // The hanging destination's own pump is stuck on its first delivery; its second change waits in the change
    // log behind its cursor (nothing lost) until that send ends.
    const counts = await h.service.get(h.workspaceId, dead.id);
    expect(counts.ok && counts.value.counts).toEqual({ pending: 1, delivered: 0, dead: 0 });
  });

  it('gives each destination its own timeout budget', async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1));
    const h = await DeliveryHarness.create(getStore(), { clock });
    cleanup.push(() => h.close());
    const segment = h.segments.add(h.workspaceId, 'VIP');
    const dest = await h.destination({ timeoutMs: 1_000 });
    h.receiver.reply({ kind: 'hang' });
    await h.change({ segmentId: segment.id, profileId: await h.profile({ email: 'a@example.com' }), kind: 'entered' });
    const tick = h.worker.tick();
    await h.receiver.waitForRequests(1);
    // 1 s of fake time ends the attempt: the destination's budget, not the 10 s default of the others.
    clock.advance(1_000);
    await tick;
    const listed = await h.service.deliveries(h.workspaceId, dest.id, { limit: 10 });
    expect(listed.ok && listed.value[0]?.attemptLog.map((a) => a.error)).toEqual(['total timeout']);
  });
});

describeEachStore('webhook initial sync', (getStore) => {
  it('sends a new webhook destination the current members first when asked, then later changes, and nothing before by default', async () => {
    const h = await DeliveryHarness.create(getStore(), { clock: new FakeClock(Date.UTC(2026, 5, 1)) });
    cleanup.push(() => h.close());
    const vip = h.segments.add(h.workspaceId, 'VIP');
    const ann = await h.profile({ email: 'ann@example.com' });
    await h.change({ segmentId: vip.id, profileId: ann, kind: 'entered' });
    await h.destination({ name: 'future only', segments: [vip.id], url: `${h.receiver.origin}/future` });
    const synced = await h.service.create(h.workspaceId, { name: 'with backfill', url: `${h.receiver.origin}/backfill`, segments: ['VIP'], initialSync: true });
    expect(synced.ok && synced.value.initialSync).toBe(1);
    const bob = await h.profile({ email: 'bob@example.com' });
    await h.change({ segmentId: vip.id, profileId: bob, kind: 'entered' });
    await h.worker.tick();
    const seen = h.receiver.requests.map((r) => [r.path, (JSON.parse(r.body) as { data: { profile: { id: string }; cause: { kind: string } } }).data]);
    expect(seen.filter(([p]) => p === '/backfill').map(([, d]) => [(d as { profile: { id: string } }).profile.id, (d as { cause: { kind: string } }).cause.kind]).sort()).toEqual(
      // Different people are sent concurrently: compare regardless of arrival order.
      [
        [ann, 'backfill'],
        [bob, 'timer'],
      ].sort(),
    );
    expect(seen.filter(([p]) => p === '/future').map(([, d]) => (d as { profile: { id: string } }).profile.id)).toEqual([bob]);
  });
});
