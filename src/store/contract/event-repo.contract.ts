import { expect, it } from 'vitest';
import type { Store } from '../store.js';
import { partitionOf } from '../partition-of.js';
import { makeEvent } from './event-fixture.js';

const WS = 'ws_default';

/** Registers the {@link EventRepo} contract tests; call inside a describe that provides fresh stores. */
export function eventRepoContract(getStore: () => Store): void {
  it('stores every field of an event and hands back increasing seqs', async () => {
    const { events } = getStore();
    const event = makeEvent({
      messageId: 'm1',
      type: 'identify',
      name: null,
      userId: null,
      anonymousId: 'anon-1',
      timestamp: 1_700_000_000_123,
      receivedAt: 1_700_000_000_456,
      properties: {},
      traits: { email: 'a@example.com', 'ünïcode': '✓', quote: "it's \"fine\"" },
      context: { library: { name: 'analytics-node', version: '3.1.0' } },
    });
    const { inserted, duplicates } = await events.append([event, makeEvent({ messageId: 'm2' })]);
    expect(duplicates).toEqual([]);
    expect(inserted.map((e) => e.messageId)).toEqual(['m1', 'm2']);
    expect(inserted[1]!.seq).toBeGreaterThan(inserted[0]!.seq);
    const [stored] = await events.readLog(0, 1);
    expect(stored).toEqual({ ...event, seq: inserted[0]!.seq });
  });

  it('stores a messageId repeated within one batch once and reports the repeat as a duplicate', async () => {
    const { events } = getStore();
    const result = await events.append([
      makeEvent({ messageId: 'm1', name: 'First' }),
      makeEvent({ messageId: 'm2' }),
      makeEvent({ messageId: 'm1', name: 'Second' }),
    ]);
    expect(result.inserted.map((e) => e.messageId)).toEqual(['m1', 'm2']);
    expect(result.duplicates).toEqual(['m1']);
    const log = await events.readLog(0, 10);
    expect(log.map((e) => [e.messageId, e.name])).toEqual([
      ['m1', 'First'],
      ['m2', 'Product Viewed'],
    ]);
  });

  it('skips messageIds stored by an earlier batch, per workspace', async () => {
    const { events } = getStore();
    await events.append([makeEvent({ messageId: 'm1' }), makeEvent({ messageId: 'm2' })]);
    const again = await events.append([
      makeEvent({ messageId: 'm2' }),
      makeEvent({ messageId: 'm3' }),
      makeEvent({ messageId: 'm1', workspaceId: 'ws_other' }),
    ]);
    expect(again.inserted.map((e) => `${e.workspaceId}/${e.messageId}`)).toEqual(['ws_default/m3', 'ws_other/m1']);
    expect(again.duplicates).toEqual(['m2']);
    expect(await events.count(WS)).toBe(3);
    expect(await events.count('ws_other')).toBe(1);
    expect(await events.existing(WS, ['m1', 'm3', 'm9'])).toEqual(new Set(['m1', 'm3']));
    expect(await events.existing('ws_other', ['m2'])).toEqual(new Set());
    expect(await events.existing(WS, [])).toEqual(new Set());
  });

  it('appending nothing stores nothing', async () => {
    const { events } = getStore();
    expect(await events.append([])).toEqual({ inserted: [], duplicates: [] });
    expect(await events.headSeq()).toBe(0);
  });

  it('pages one profile’s events newest first with a seq cursor, optionally by name', async () => {
    const { events } = getStore();
    const batch = Array.from({ length: 7 }, (_, i) =>
      makeEvent({ messageId: `m${i}`, profileId: i % 2 === 0 ? 'prof_a' : 'prof_b', name: i < 4 ? 'Viewed' : 'Bought' }),
    );
    await events.append(batch);
    const page1 = await events.listByProfile(WS, 'prof_a', { limit: 2 });
    const page2 = await events.listByProfile(WS, 'prof_a', { limit: 2, beforeSeq: page1.at(-1)!.seq });
    const page3 = await events.listByProfile(WS, 'prof_a', { limit: 2, beforeSeq: page2.at(-1)!.seq });
    expect([page1, page2, page3].map((p) => p.map((e) => e.messageId))).toEqual([['m6', 'm4'], ['m2', 'm0'], []]);
    const bought = await events.listByProfile(WS, 'prof_a', { limit: 10, names: ['Bought'] });
    expect(bought.map((e) => e.messageId)).toEqual(['m6', 'm4']);
    expect(await events.listByProfile(WS, 'prof_a', { limit: 10, names: [] })).toEqual([]);
    expect(await events.listByProfile('ws_other', 'prof_a', { limit: 10 })).toEqual([]);
  });

  it('returns a profile’s history in event-time order, ties broken by seq', async () => {
    const { events } = getStore();
    await events.append([
      makeEvent({ messageId: 'late', timestamp: 300 }),
      makeEvent({ messageId: 'early', timestamp: 100 }),
      makeEvent({ messageId: 'tie-1', timestamp: 200 }),
      makeEvent({ messageId: 'tie-2', timestamp: 200 }),
      makeEvent({ messageId: 'other', timestamp: 150, profileId: 'prof_b' }),
    ]);
    expect((await events.historyOf(WS, 'prof_a')).map((e) => e.messageId)).toEqual(['early', 'tie-1', 'tie-2', 'late']);
  });

  it('reads the log across workspaces in seq order from a cursor, without gaps or repeats', async () => {
    const { events } = getStore();
    for (let batch = 0; batch < 5; batch++) {
      await events.append(
        Array.from({ length: 7 }, (_, i) =>
          makeEvent({ messageId: `b${batch}-${i}`, workspaceId: i % 2 ? WS : 'ws_other' }),
        ),
      );
    }
    const seen: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = await events.readLog(cursor, 4);
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.seq));
      cursor = page.at(-1)!.seq;
    }
    expect(seen).toHaveLength(35);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(35);
    expect(await events.headSeq()).toBe(seen.at(-1));
  });

  it('reassigns all of one profile’s events to another, keeping their seqs', async () => {
    const { events } = getStore();
    await events.append([makeEvent({ messageId: 'm1', profileId: 'prof_a' }), makeEvent({ messageId: 'm2', profileId: 'prof_b' })]);
    const before = await events.readLog(0, 10);
    await events.reassign(WS, 'prof_a', 'prof_b');
    expect((await events.historyOf(WS, 'prof_b')).map((e) => e.messageId)).toEqual(['m1', 'm2']);
    expect(await events.historyOf(WS, 'prof_a')).toEqual([]);
    expect((await events.readLog(0, 10)).map((e) => e.seq)).toEqual(before.map((e) => e.seq));
  });

  it('stores each message once when the same batch is appended by concurrent transactions', async () => {
    const store = getStore();
    const ids = Array.from({ length: 50 }, (_, i) => `m${i}`);
    const results = await Promise.all(
      [0, 1, 2].map(() => store.transaction((tx) => tx.events.append(ids.map((messageId) => makeEvent({ messageId }))))),
    );
    const inserted = results.flatMap((r) => r.inserted.map((e) => e.messageId));
    expect(inserted.sort()).toEqual([...ids].sort());
    for (const r of results) expect(r.inserted.length + r.duplicates.length).toBe(50);
    expect(await store.events.count(WS)).toBe(50);
  });

  it('stores NUL characters as U+FFFD on every backend instead of failing the batch', async () => {
    const { events } = getStore();
    const result = await events.append([
      makeEvent({ messageId: 'nul\0id', name: 'Na\0me', properties: { 'k\0': 'v\0', list: ['\0'] }, traits: { path: 'C:\\u0000' } }),
      makeEvent({ messageId: 'clean' }),
    ]);
    expect(result.inserted).toHaveLength(2);
    const [stored] = await events.readLog(0, 1);
    expect(stored).toMatchObject({
      messageId: 'nul\ufffdid',
      name: 'Na\ufffdme',
      properties: { 'k\ufffd': 'v\ufffd', list: ['\ufffd'] },
      traits: { path: 'C:\\u0000' },
    });
    expect(await events.existing(WS, ['nul\0id'])).toEqual(new Set(['nul\ufffdid']));
  });

  it('reads the histories of a set of profiles up to a log position, in seq order and evaluation form', async () => {
    const { events } = getStore();
    const { inserted } = await events.append([
      makeEvent({ messageId: 'h1', profileId: 'pa', timestamp: 300 }),
      makeEvent({ messageId: 'h2', profileId: 'pb', type: 'identify', name: null, traits: { plan: 'pro' } }),
      makeEvent({ messageId: 'h3', profileId: 'pa', timestamp: 100, traits: { ignored: true }, context: { consent: { email: true } } }),
      makeEvent({ messageId: 'h4', profileId: 'pc' }),
      makeEvent({ messageId: 'h5', profileId: 'pa' }),
      makeEvent({ messageId: 'h6', workspaceId: 'ws_other', profileId: 'pa' }),
    ]);
    const upto = inserted[3]!.seq;
    const histories = await events.historiesOf(WS, ['pa', 'pb', 'nobody'], upto);
    expect([...histories.keys()].sort()).toEqual(['nobody', 'pa', 'pb']);
    expect(histories.get('pa')?.map((e) => e.messageId)).toEqual(['h1', 'h3']);
    expect(histories.get('nobody')).toEqual([]);
    const [h1, h3] = histories.get('pa')!;
    expect(h1).toMatchObject({ seq: inserted[0]!.seq, workspaceId: WS, type: 'track', name: 'Product Viewed', timestamp: 300 });
    expect(h1).toMatchObject({ userId: null, anonymousId: null, receivedAt: 0, traits: {}, context: {} });
    expect(h1?.properties).toEqual({ product_id: 'X', price: 12.5, tags: ['a', 'b'], nested: { deep: true } });
    // Traits only of identify events, context only when it holds consent.
    expect(h3).toMatchObject({ traits: {}, context: { consent: { email: true } } });
    expect(histories.get('pb')?.[0]?.traits).toEqual({ plan: 'pro' });
    expect(await events.historiesOf(WS, [], upto)).toEqual(new Map());
  });

  it('streams every profile of a workspace once, in id order with events in seq order, whatever the page size', async () => {
    const store = getStore();
    // Profiles interleaved in the log, one in another workspace, sizes 1 to 7 so pages end inside profiles.
    const plan = ['pc', 'pa', 'pd', 'pa', 'pb', 'pc', 'pa', 'pd', 'pd', 'pa', 'pe', 'pd', 'pa', 'pd', 'pc', 'pa', 'pd', 'pd'];
    const batch = plan.map((p, i) => makeEvent({ messageId: `m${i}`, workspaceId: p === 'pe' ? 'ws_other' : WS, profileId: p }));
    await store.transaction((tx) => tx.events.append(batch));
    await store.transaction((tx) => tx.events.append([makeEvent({ messageId: 'm99', profileId: 'pb' })]));
    const stored = await store.events.readLog(0, 100);
    const upto = (stored.find((e) => e.messageId === 'm99')?.seq ?? 0) - 1;
    const mine = (p: string) => stored.filter((e) => e.workspaceId === WS && e.profileId === p && e.seq <= upto);
    const expected = ['pa', 'pb', 'pc', 'pd'].map((profileId) => ({
      profileId,
      seqs: mine(profileId).map((e) => e.seq),
      messageIds: mine(profileId).map((e) => e.messageId),
    }));
    expect(expected.map((p) => p.seqs.length)).toEqual([6, 1, 3, 7]);
    for (const pageSize of [1, 2, 3, 5, 7, 5000]) {
      const seen: { profileId: string; seqs: number[]; messageIds: string[] }[] = [];
      for await (const { profileId, events } of store.events.scanHistories(WS, { uptoSeq: upto, pageSize })) {
        seen.push({ profileId, seqs: events.map((e) => e.seq), messageIds: events.map((e) => e.messageId) });
      }
      expect(seen, `page size ${pageSize}`).toEqual(expected);
    }
  });

  it('streams only the selected events when asked, leaving out profiles with none and columns not asked for', async () => {
    const { events } = getStore();
    await events.append([
      makeEvent({ messageId: 's1', profileId: 'pa', name: 'Order Completed', context: { consent: { email: true } } }),
      makeEvent({ messageId: 's2', profileId: 'pa', name: 'Product Viewed' }),
      makeEvent({ messageId: 's3', profileId: 'pb', name: 'Product Viewed' }),
      makeEvent({ messageId: 's4', profileId: 'pc', type: 'identify', name: null, traits: { plan: 'pro' } }),
    ]);
    const only = { names: ['Order Completed'], types: ['identify' as const], traits: false, context: false };
    const seen: { profileId: string; ids: string[]; traits: unknown[]; context: unknown[] }[] = [];
    for await (const h of events.scanHistories(WS, { uptoSeq: Number.MAX_SAFE_INTEGER, only })) {
      seen.push({ profileId: h.profileId, ids: h.events.map((e) => e.messageId), traits: h.events.map((e) => e.traits), context: h.events.map((e) => e.context) });
    }
    expect(seen).toEqual([
      { profileId: 'pa', ids: ['s1'], traits: [{}], context: [{}] },
      { profileId: 'pc', ids: ['s4'], traits: [{}], context: [{}] },
    ]);
  });

  it('splits the log into partitions by profile: each reads its own events in seq order, together the whole log', async () => {
    const { events } = getStore();
    const profiles = Array.from({ length: 24 }, (_, i) => `prof_${i}`);
    const batches = [0, 1, 2].map((b) => profiles.map((profileId) => makeEvent({ messageId: `b${b}-${profileId}`, profileId })));
    for (const batch of batches) await events.append(batch);
    const partitions = await events.partitions();
    expect(partitions).toBeGreaterThanOrEqual(1);
    const all = await events.readLog(0, 1000);
    expect(all).toHaveLength(72);
    const seen: number[] = [];
    for (let p = 0; p < partitions; p++) {
      const part = await events.readPartition(p, 0, 1000);
      expect(part.every((e) => partitionOf(e.profileId, partitions) === p)).toBe(true);
      expect(part.map((e) => e.seq)).toEqual([...part.map((e) => e.seq)].sort((a, b) => a - b));
      const paged = [...(await events.readPartition(p, 0, 5)), ...(await events.readPartition(p, part[4]?.seq ?? Number.MAX_SAFE_INTEGER, 1000))];
      expect(paged.map((e) => e.seq)).toEqual(part.map((e) => e.seq));
      expect(await events.partitionLag(p, 0)).toEqual({ events: part.length, oldestReceivedAt: part.length > 0 ? part[0]!.receivedAt : null });
      seen.push(...part.map((e) => e.seq));
    }
    expect(seen.sort((a, b) => a - b)).toEqual(all.map((e) => e.seq));
    expect(await events.readPartition(partitions, 0, 10)).toEqual([]);
  });

  it("reads a partition's histories up to its cursor, and events merged in from other partitions whole", async () => {
    const { events } = getStore();
    const partitions = await events.partitions();
    await events.append([makeEvent({ messageId: 'a1', profileId: 'prof_a' }), makeEvent({ messageId: 'b1', profileId: 'prof_b' })]);
    const [a1] = await events.readLog(0, 1);
    await events.append([makeEvent({ messageId: 'a2', profileId: 'prof_a' })]);
    await events.reassign(WS, 'prof_b', 'prof_a');
    const home = partitionOf('prof_a', partitions);
    const histories = await events.historiesOf(WS, ['prof_a'], a1!.seq, home);
    const expected = partitionOf('prof_b', partitions) === home ? ['a1'] : ['a1', 'b1'];
    expect(histories.get('prof_a')?.map((e) => e.messageId)).toEqual(expected);
    const scanned: string[] = [];
    for await (const h of events.scanHistories(WS, { uptoSeq: a1!.seq, partition: { index: home, count: partitions } })) {
      scanned.push(...h.events.map((e) => `${h.profileId}:${e.messageId}`));
    }
    expect(scanned).toEqual(expected.map((m) => `prof_a:${m}`));
  });
}
