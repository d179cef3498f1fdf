import { afterEach, expect, it } from 'vitest';
import { describeEachStore } from '../store/testing/index.js';
import { WorkflowHarness, WS } from './testing/workflow-harness.js';
import { WorkflowRuntime } from './workflow-runtime.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

const CART = `
name: cart
trigger: { event: Product Added, key: properties.cart_id }
re_entry: never
steps:
  - { id: w1, wait: 1h }
  - { id: r1, webhook: mail }
  - { id: w2, wait: 1d }
  - { id: r2, webhook: mail }
`;

describeEachStore('workflow runs on identity merges', (getStore) => {
  let h: WorkflowHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("moves the merged profile's runs to the survivor and keeps the earlier of two runs of the same key", async () => {
    h = new WorkflowHarness(getStore());
    const t = h;
    await t.start();
    await t.workflow(CART);
    const start = t.clock.now();
    // The known user starts cart c1; later the same person, not signed in yet, starts c1 again and c2.
    await t.track('ada', 'Product Added', { cart_id: 'c1' });
    await t.advance(MINUTE);
    await t.send({ type: 'track', anonymousId: 'visitor-1', event: 'Product Added', properties: { cart_id: 'c1' } });
    await t.send({ type: 'track', anonymousId: 'visitor-1', event: 'Product Added', properties: { cart_id: 'c2' } });
    const before = await t.service.runs(WS, 'cart', 'visitor-1');
    expect(before.ok && before.value.map((r) => [r.key, r.status]).sort()).toEqual([
      ['c1', 'active'],
      ['c2', 'active'],
    ]);
    const visitorProfile = before.ok ? before.value[0]?.profileId : undefined;
    const adaProfile = (await t.service.runs(WS, 'cart', 'ada')).ok ? ((await t.service.runs(WS, 'cart', 'ada')) as { value: { profileId: string }[] }).value[0]?.profileId : undefined;
    expect(visitorProfile).toBeDefined();
    expect(adaProfile).toBeDefined();
    expect(visitorProfile).not.toBe(adaProfile);

    // Signing in merges the anonymous profile into Ada's.
    await t.advance(MINUTE);
    await t.send({ type: 'identify', userId: 'ada', anonymousId: 'visitor-1', traits: {} });
    const survivor = (await getStore().profiles.findByIdentity(WS, 'user_id', 'ada')) as string;
    expect([adaProfile, visitorProfile]).toContain(survivor);

    const after = await t.service.runs(WS, 'cart', 'ada');
    if (!after.ok) throw new Error('runs');
    // Every run is the survivor's now; of the two c1 runs the one entered first (Ada's) goes on.
    expect(after.value.every((r) => r.profileId === survivor)).toBe(true);
    const byKey = after.value.map((r) => [r.key, r.status, r.exitCause, r.enteredAt - start]).sort((a, b) => Number(a[3]) - Number(b[3]) || String(a[0]).localeCompare(String(b[0])));
    expect(byKey).toEqual([
      ['c1', 'active', null, 0],
      ['c1', 'ended', 'merged', MINUTE],
      ['c2', 'active', null, MINUTE],
    ]);
    const ended = after.value.find((r) => r.exitCause === 'merged');
    expect(ended?.path.at(-1)).toMatchObject({ stepId: 'w1', outcome: 'exited', cause: 'merged', at: start + 2 * MINUTE });
    // The visitor id still finds the runs (they followed the person).
    const viaVisitor = await t.service.runs(WS, 'cart', visitorProfile as string);
    expect(viaVisitor.ok && viaVisitor.value.length).toBe(3);
    const stats = await t.service.stats(WS, 'cart');
    expect(stats.ok && stats.value[0]).toMatchObject({ entered: 3, active: 2, exited: { merged: 1 } });

    // Re-entry stays unique per person and key: c2 is the survivor's now and "never" refuses a second run.
    await t.track('ada', 'Product Added', { cart_id: 'c2' });
    expect((await t.service.stats(WS, 'cart')).ok && ((await t.service.stats(WS, 'cart')) as { value: { entered: number }[] }).value[0]?.entered).toBe(3);

    // The waits go on: one reminder per remaining run, for the survivor, none for the run that ended.
    await t.advance(HOUR);
    const sent = t.ports.sent.map((s) => [s.payload.data.step.id, s.payload.data.profile.id, s.payload.data.run.id]);
    expect(sent.map((s) => s[0])).toEqual(['r1', 'r1']);
    expect(new Set(sent.map((s) => s[1]))).toEqual(new Set([survivor]));
    expect(sent.map((s) => s[2])).not.toContain(ended?.id);
  });

  it('moves a run whose timer comes due before the merge is read, instead of advancing it as the merged-away profile', async () => {
    h = new WorkflowHarness(getStore());
    const t = h;
    await t.start();
    await t.workflow(CART);
    await t.send({ type: 'track', anonymousId: 'visitor-2', event: 'Product Added', properties: { cart_id: 'c9' } });
    await t.track('bea', 'Signed Up');
    // The merge lands while the runtime is stopped, behind other people's events; the run's wait ends before the
    // runtime (reading one event per batch) gets to the merge's event.
    await t.runtime.stop();
    for (const who of ['cy', 'di', 'ed']) await t.ingest.ingest(WS, [{ type: 'track', userId: who, event: 'Page Viewed', messageId: `pv-${who}` }], { receivedAt: t.clock.now(), source: 'test' });
    await t.ingest.ingest(WS, [{ type: 'alias', userId: 'bea', previousId: 'visitor-2', messageId: 'alias-1' }], { receivedAt: t.clock.now(), source: 'test' });
    await t.engine.idle();
    t.clock.advance(HOUR);
    t.runtime = new WorkflowRuntime({ store: getStore(), changeLog: t.changeLog, clock: t.clock, segments: t.segments, ports: t.ports, batchSize: 1 });
    const pass = await t.runtime.pass();
    expect(pass.timers).toBe(1);
    const survivor = (await getStore().profiles.findByIdentity(WS, 'user_id', 'bea')) as string;
    const runs = await t.service.runs(WS, 'cart', 'bea');
    expect(runs.ok && runs.value.map((r) => [r.profileId, r.key, r.status, r.stepId])).toEqual([[survivor, 'c9', 'active', 'w2']]);
    expect(t.ports.sent.map((s) => [s.payload.data.step.id, s.payload.data.profile.id])).toEqual([['r1', survivor]]);
    await t.runtime.start();
  });
});
