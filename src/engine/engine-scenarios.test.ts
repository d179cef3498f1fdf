import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeClock } from '../core/index.js';
import { describeEachStore } from '../store/testing/index.js';
import { EngineHarness } from './testing/engine-harness.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1);

describeEachStore('engine scenarios on a fake clock', (getStore) => {
  let h: EngineHarness;

  beforeEach(() => {
    h = new EngineHarness(getStore(), new FakeClock(T0));
  });
  afterEach(async () => {
    await h.engine.stop();
  });

  const expectChanges = async (expected: readonly [string, string, string, number, string][]): Promise<void> => {
    const changes = await h.changes();
    expect(changes.map((c) => [c.kind, c.profileId, c.segmentId.replace(/^seg_/, ''), c.at - T0, c.cause.kind])).toEqual(expected);
  };

  it('enters a cart abandoner at exactly added + 3d and exits them on purchase', async () => {
    await h.segment('abandoners', '"Product Added" then not "Order Completed" within 3d');
    await h.start();
    await h.submit('p1', 'Product Added');
    await h.advance(3 * DAY - 1);
    expect(await h.members('abandoners')).toEqual([]);
    await h.advance(1);
    expect(await h.members('abandoners')).toEqual(['p1']);
    await h.advance(HOUR);
    await h.submit('p1', 'Order Completed');
    expect(await h.members('abandoners')).toEqual([]);
    await expectChanges([
      ['entered', 'p1', 'abandoners', 3 * DAY, 'timer'],
      ['exited', 'p1', 'abandoners', 3 * DAY + HOUR, 'event'],
    ]);
  });

  it('keys the abandoned cart by product: buying another product does not take the person out', async () => {
    await h.segment('abandoners', '"Product Added" then not "Order Completed" within 3d by product_id');
    await h.start();
    await h.submit('p1', 'Product Added', { properties: { product_id: 'X' } });
    await h.advance(DAY);
    await h.submit('p1', 'Order Completed', { properties: { product_id: 'Y' } });
    await h.advance(2 * DAY);
    expect(await h.members('abandoners')).toEqual(['p1']);
    await h.submit('p1', 'Order Completed', { properties: { product_id: 'X' } });
    expect(await h.members('abandoners')).toEqual([]);
  });

  it('expires a 30-second window at its instant', async () => {
    await h.segment('recent', 'performed("Email Opened", within 30s)');
    await h.start();
    await h.submit('p1', 'Email Opened');
    expect(await h.members('recent')).toEqual(['p1']);
    await h.advance(30 * SECOND);
    expect(await h.members('recent')).toEqual([]);
    await expectChanges([
      ['entered', 'p1', 'recent', 0, 'event'],
      ['exited', 'p1', 'recent', 30 * SECOND, 'timer'],
    ]);
  });

  it('ages a count within 48h out when the older view leaves the window', async () => {
    await h.segment('viewers', 'count("Product Viewed" where product_id = "X", within 48h) >= 2');
    await h.start();
    await h.submit('p1', 'Product Viewed', { properties: { product_id: 'X' } });
    await h.advance(10 * HOUR);
    await h.submit('p1', 'Product Viewed', { properties: { product_id: 'Y' } });
    expect(await h.members('viewers')).toEqual([]);
    await h.submit('p1', 'Product Viewed', { properties: { product_id: 'X' } });
    expect(await h.members('viewers')).toEqual(['p1']);
    await h.advance(38 * HOUR);
    await expectChanges([
      ['entered', 'p1', 'viewers', 10 * HOUR, 'event'],
      ['exited', 'p1', 'viewers', 48 * HOUR, 'timer'],
    ]);
  });

  it('leaves a rate undefined below its minimum denominator', async () => {
    await h.segment('cold', 'rate("Email Opened" / "Email Delivered", within 30d, min 5) < 10%');
    await h.start();
    for (let i = 0; i < 4; i++) await h.submit('p1', 'Email Delivered');
    expect(await h.members('cold')).toEqual([]);
    await h.submit('p1', 'Email Delivered');
    expect(await h.members('cold')).toEqual(['p1']);
    await h.submit('p1', 'Email Opened');
    expect(await h.members('cold')).toEqual([]);
  });

  it('evaluates traits as of the latest identify', async () => {
    await h.segment('ny', 'traits.age >= 25 and traits.city in ["New York", "Brooklyn"]');
    await h.start();
    await h.submit('p1', null, { type: 'identify', traits: { age: 30, city: 'Brooklyn' } });
    expect(await h.members('ny')).toEqual(['p1']);
    await h.submit('p1', null, { type: 'identify', traits: { city: 'Boston' } });
    expect(await h.members('ny')).toEqual([]);
  });

  it('sums revenue over a year and drops purchases as they age out', async () => {
    await h.segment('big', 'sum("Order Completed".revenue, within 365d) >= 1000');
    await h.start();
    await h.submit('p1', 'Order Completed', { properties: { revenue: 600 } });
    await h.advance(100 * DAY);
    await h.submit('p1', 'Order Completed', { properties: { revenue: 500 } });
    expect(await h.members('big')).toEqual(['p1']);
    await h.advance(265 * DAY);
    expect(await h.members('big')).toEqual([]);
    const exit = (await h.changes()).at(-1);
    expect(exit?.at).toBe(T0 + 365 * DAY);
  });

  it('puts a quiet customer in "last_seen within 7d" and out again 7 days after the last event', async () => {
    await h.segment('active', 'last_seen within 7d');
    await h.start();
    await h.submit('p1', 'Page Viewed', { type: 'page' });
    await h.advance(3 * DAY);
    await h.submit('p1', 'Email Opened');
    await h.advance(7 * DAY);
    await expectChanges([
      ['entered', 'p1', 'active', 0, 'event'],
      ['exited', 'p1', 'active', 10 * DAY, 'timer'],
    ]);
  });

  it('enters "first_seen before 30d ago" when the profile turns 30 days old', async () => {
    await h.segment('old', 'first_seen before 30d ago');
    await h.start();
    await h.submit('p1', 'Page Viewed');
    await h.advance(31 * DAY);
    await expectChanges([['entered', 'p1', 'old', 30 * DAY, 'timer']]);
  });

  it('fires a group peer\'s re-check armed by an earlier timer of the same batch at its own instant, not at the later timer\'s', async () => {
    await h.segment('recent', 'performed("Product Viewed", between 2h ago and 1h ago)', { group: 'tier', priority: 2 });
    await h.segment('lapsing', 'performed("Product Viewed", between 3d ago and 1d ago)', { group: 'tier', priority: 1 });
    await h.start();
    await h.submit('p1', 'Product Viewed');
    // One advance makes both first timers due in one batch: recent's entry (+1h) arms its exit (+2h), which must
    // fire before lapsing's entry (+1d) evaluates the group.
    await h.advance(3 * DAY);
    await expectChanges([
      ['entered', 'p1', 'recent', HOUR, 'timer'],
      ['exited', 'p1', 'recent', 2 * HOUR, 'timer'],
      ['entered', 'p1', 'lapsing', DAY, 'timer'],
      ['exited', 'p1', 'lapsing', 3 * DAY, 'timer'],
    ]);
  });

  it('keeps a person in at most one segment of an exclusive group, the highest priority that holds', async () => {
    await h.segment('vip', 'sum("Order Completed".revenue) >= 1000', { group: 'tier', priority: 10 });
    await h.segment('buyer', 'performed("Order Completed")', { group: 'tier', priority: 1 });
    await h.start();
    await h.submit('p1', 'Order Completed', { properties: { revenue: 100 } });
    expect([await h.members('vip'), await h.members('buyer')]).toEqual([[], ['p1']]);
    await h.submit('p1', 'Order Completed', { properties: { revenue: 1000 } });
    expect([await h.members('vip'), await h.members('buyer')]).toEqual([['p1'], []]);
  });

  it('resumes after a restart without losing or doubling a due timer', async () => {
    await h.segment('recent', 'performed("Email Opened", within 30s)');
    await h.start();
    await h.submit('p1', 'Email Opened');
    await h.engine.stop();
    h.clock.advance(5 * MINUTE);
    await h.restart();
    await h.restart();
    await expectChanges([
      ['entered', 'p1', 'recent', 0, 'event'],
      ['exited', 'p1', 'recent', 30 * SECOND, 'timer'],
    ]);
  });

  it('changes nothing when the same event is delivered twice', async () => {
    await h.segment('buyers', 'count("Order Completed") >= 2');
    await h.start();
    await h.submit('p1', 'Order Completed', { messageId: 'same' });
    await h.submit('p1', 'Order Completed', { messageId: 'same' });
    expect(await h.members('buyers')).toEqual([]);
  });

  it('exits a merged profile and re-evaluates the surviving one with the merged history', async () => {
    const store = h.store;
    await store.profiles.create('ws_test', 'anon', T0);
    await store.profiles.create('ws_test', 'user', T0);
    await h.segment('buyers', 'count("Order Completed") >= 2');
    await h.start();
    await h.submit('anon', 'Order Completed');
    await h.submit('anon', 'Order Completed');
    await h.submit('user', 'Page Viewed');
    expect(await h.members('buyers')).toEqual(['anon']);
    await h.advance(MINUTE);
    await store.transaction((tx) => tx.profiles.merge('ws_test', 'anon', 'user', h.clock.now()));
    await h.submit('user', null, { type: 'alias', userId: 'u1', anonymousId: 'anon' });
    expect(await h.members('buyers')).toEqual(['user']);
    await expectChanges([
      ['entered', 'anon', 'buyers', 0, 'event'],
      ['exited', 'anon', 'buyers', MINUTE, 'profile_merged'],
      ['entered', 'user', 'buyers', MINUTE, 'event'],
    ]);
  });

  it('picks up events appended by another process on its slow log tail, without being woken', async () => {
    const tailing = new EngineHarness(h.store, h.clock, { tailIntervalMs: 1000 });
    await tailing.segment('openers', 'performed("Email Opened")');
    await tailing.start();
    await h.store.events.append([
      {
        workspaceId: 'ws_test',
        messageId: 'from-import',
        profileId: 'p9',
        type: 'track',
        name: 'Email Opened',
        userId: null,
        anonymousId: null,
        timestamp: h.clock.now(),
        receivedAt: h.clock.now(),
        properties: {},
        traits: {},
        context: {},
      },
    ]);
    expect(await tailing.members('openers')).toEqual([]);
    h.clock.advance(1000);
    await tailing.engine.idle();
    expect(await tailing.members('openers')).toEqual(['p9']);
    await tailing.engine.stop();
  });
});
