import { expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { EngineSegmentService } from './engine-segment-service.js';
import { EngineHarness, TEST_WORKSPACE } from './testing/engine-harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);
const WS = TEST_WORKSPACE;

describeEachStore('engine segment service', (getStore) => {
  const setup = async () => {
    const h = new EngineHarness(getStore(), new FakeClock(T0));
    await h.start();
    const service = new EngineSegmentService(getStore(), h.engine, h.changeLog);
    return { h, service };
  };

  it('backfills a new segment over the stored history and records the entries as backfill changes', async () => {
    const { h, service } = await setup();
    await h.submit('p1', 'Order Completed', { properties: { revenue: 700 } });
    await h.submit('p2', 'Order Completed', { properties: { revenue: 50 } });
    await h.submit('p1', 'Order Completed', { properties: { revenue: 400 } });
    const created = await service.create(WS, { name: 'big', rule: 'sum("Order Completed".revenue, within 365d) >= 1000' });
    expect(created.ok).toBe(true);
    const page = await service.members(WS, 'big', { limit: 10 });
    expect(page.ok && page.value.members.map((m) => m.profileId)).toEqual(['p1']);
    const changes = await h.changes();
    expect(changes.map((c) => [c.kind, c.profileId, c.cause.kind, c.segmentVersion])).toEqual([['entered', 'p1', 'backfill', 1]]);
    await h.engine.stop();
  });

  it('arms timers during backfill so the new segment changes by time alone afterwards', async () => {
    const { h, service } = await setup();
    await h.submit('p1', 'Email Opened');
    await service.create(WS, { name: 'recent', rule: 'performed("Email Opened", within 1d)' });
    await h.advance(DAY);
    const changes = await h.changes();
    expect(changes.map((c) => [c.kind, c.at - T0, c.cause.kind])).toEqual([
      ['entered', 0, 'backfill'],
      ['exited', DAY, 'timer'],
    ]);
    await h.engine.stop();
  });

  it('shows a dry run diff against the current version without saving anything', async () => {
    const { h, service } = await setup();
    for (const [p, n] of [['p1', 1], ['p2', 2], ['p3', 3]] as const) {
      for (let i = 0; i < n; i++) await h.submit(p, 'Product Viewed');
    }
    await service.create(WS, { name: 'viewers', rule: 'count("Product Viewed") >= 2' });
    const dry = await service.dryRun(WS, { name: 'viewers', rule: 'count("Product Viewed") >= 1 and count("Product Viewed") < 3' });
    expect(dry.ok && [dry.value.size, dry.value.entered, dry.value.exited, dry.value.sampleEntered, dry.value.sampleExited]).toEqual([
      2,
      1,
      1,
      ['p1'],
      ['p3'],
    ]);
    const page = await service.members(WS, 'viewers', { limit: 10 });
    expect(page.ok && page.value.members.map((m) => m.profileId)).toEqual(['p2', 'p3']);
    await h.engine.stop();
  });

  it('records an edit as a new version with rule_edit changes, and a deletion as exits', async () => {
    const { h, service } = await setup();
    await h.submit('p1', 'Product Viewed');
    await h.submit('p2', 'Product Added');
    await service.create(WS, { name: 's', rule: 'performed("Product Viewed")' });
    const updated = await service.update(WS, 's', { name: 's', rule: 'performed("Product Added")' });
    expect(updated.ok && updated.value.version).toBe(2);
    const again = await service.update(WS, 's', { name: 's', rule: 'performed("Product Added")' });
    expect(again.ok && again.value.version).toBe(2);
    await service.delete(WS, 's');
    const changes = await h.changes();
    expect(changes.map((c) => [c.kind, c.profileId, c.cause.kind, c.segmentVersion])).toEqual([
      ['entered', 'p1', 'backfill', 1],
      ['exited', 'p1', 'rule_edit', 2],
      ['entered', 'p2', 'rule_edit', 2],
      ['exited', 'p2', 'segment_deleted', 2],
    ]);
    expect(await service.list(WS)).toEqual([]);
    await h.engine.stop();
  });

  it('rejects an invalid rule, a taken name and a reference cycle as values', async () => {
    const { h, service } = await setup();
    const bad = await service.create(WS, { name: 'x', rule: 'count("A" >= 2' });
    expect(bad.ok === false && bad.error.kind).toBe('invalid_rule');
    await service.create(WS, { name: 'a', rule: 'performed("A")' });
    const taken = await service.create(WS, { name: 'a', rule: 'performed("B")' });
    expect(taken.ok === false && taken.error.kind).toBe('name_taken');
    await service.create(WS, { name: 'b', rule: 'in_segment("a")' });
    const cycle = await service.update(WS, 'a', { name: 'a', rule: 'in_segment("b")' });
    expect(cycle.ok === false && cycle.error.kind).toBe('invalid_rule');
    await h.engine.stop();
  });

  it('accepts the canonical JSON form as well as text', async () => {
    const { h, service } = await setup();
    const created = await service.create(WS, {
      name: 'j',
      rule: { version: 1, condition: { kind: 'performed', event: { kind: 'event', name: 'A' } } },
    });
    expect(created.ok && created.value.ruleText).toBe('performed("A")');
    await h.engine.stop();
  });

  it('explains why a profile is in, resolving it by user id', async () => {
    const { h, service } = await setup();
    const store = getStore();
    await store.profiles.create(WS, 'prof_1', T0);
    await store.profiles.addIdentity(WS, 'prof_1', 'user_id', 'u-42', T0);
    await h.submit('prof_1', 'Email Opened');
    await service.create(WS, { name: 'openers', rule: 'performed("Email Opened", within 7d)' });
    const why = await service.explain(WS, 'openers', 'u-42');
    expect(why.ok && [why.value.profileId, why.value.member, (why.value.explanation as { value: boolean }).value]).toEqual([
      'prof_1',
      true,
      true,
    ]);
    await h.engine.stop();
  });

  it('keeps exclusive groups exact when a higher-priority segment is added later, the exit from the old one written first', async () => {
    const { h, service } = await setup();
    await h.submit('p1', 'Order Completed', { properties: { revenue: 2000 } });
    await service.create(WS, { name: 'buyer', rule: 'performed("Order Completed")', group: 'tier', priority: 1 });
    const vip = await service.create(WS, { name: 'vip', rule: 'sum("Order Completed".revenue) >= 1000', group: 'tier', priority: 9 });
    const changes = await h.changes();
    expect(changes.map((c) => [c.kind, c.segmentId === (vip.ok && vip.value.id) ? 'vip' : 'buyer', c.cause.kind])).toEqual([
      ['entered', 'buyer', 'backfill'],
      ['exited', 'buyer', 'dependency'],
      ['entered', 'vip', 'backfill'],
    ]);
    const why = await service.explain(WS, 'buyer', 'p1');
    expect(why.ok && why.value.excludedBy).toBe('vip');
    await h.engine.stop();
  });

  it('sizes a new segment in a dry run and pages its members after saving', async () => {
    const { h, service } = await setup();
    for (const p of ['p1', 'p2', 'p3']) await h.submit(p, 'Email Opened');
    const dry = await service.dryRun(WS, { name: 'openers', rule: 'performed("Email Opened")' });
    expect(dry.ok && [dry.value.size, dry.value.entered, dry.value.exited]).toEqual([3, 3, 0]);
    expect(await service.list(WS)).toEqual([]);
    await service.create(WS, { name: 'openers', rule: 'performed("Email Opened")' });
    const first = await service.members(WS, 'openers', { limit: 2 });
    expect(first.ok && [first.value.members.map((m) => m.profileId), first.value.next, first.value.total]).toEqual([['p1', 'p2'], 'p2', 3]);
    const second = await service.members(WS, 'openers', { limit: 2, after: 'p2' });
    expect(second.ok && [second.value.members.map((m) => m.profileId), second.value.next]).toEqual([['p3'], null]);
    await h.engine.stop();
  });

  it('creates a name once when two processes create it at the same moment: the other gets name_taken', async () => {
    const [a, b] = [0, 1].map(() => new EngineHarness(getStore(), new FakeClock(T0), { lease: false }));
    const services = [a, b].map((h) => new EngineSegmentService(getStore(), (h as EngineHarness).engine, (h as EngineHarness).changeLog));
    const results = await Promise.all(services.map((s) => s.create(WS, { name: 'same', rule: 'performed("Order Completed")' })));
    expect(results.map((r) => (r.ok ? 'ok' : r.error.kind)).sort()).toEqual(['name_taken', 'ok']);
    expect((await services[0]!.list(WS)).map((s) => s.name)).toEqual(['same']);
  });
});
