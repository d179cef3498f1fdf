import { describe, expect, it } from 'vitest';
import { FakeClock, type NewEvent } from '../core/index.js';
import { ClusterWorker } from '../engine/index.js';
import { partitionOf, processedUpTo } from '../store/index.js';
import { createTestPostgresStore, describeEachStore, testStoreKinds } from '../store/testing/index.js';
import { RetentionWorker } from './retention.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1);
const WS = 'ws_default';

const event = (i: number, ageDays: number, workspaceId = WS): NewEvent => ({
  workspaceId,
  messageId: `m-${workspaceId}-${i}`,
  profileId: `p${i % 3}`,
  type: 'track',
  name: 'Page Viewed',
  userId: null,
  anonymousId: `a${i % 3}`,
  timestamp: T0 - ageDays * DAY,
  receivedAt: T0,
  properties: {},
  traits: {},
  context: {},
});

describeEachStore('event retention', (getStore) => {
  it('deletes events older than the workspace retention in bounded batches, never past the engine cursor, and leaves other workspaces alone', async () => {
    const store = getStore();
    const clock = new FakeClock(T0);
    await store.workspaces.ensureDefault(T0);
    await store.workspaces.create({ id: 'ws_other', name: 'other', createdAt: T0 });
    // 12 old events (40 days) and 3 recent ones (5 days) in the default workspace; 4 old ones in the other.
    const events = [...Array.from({ length: 12 }, (_, i) => event(i, 40)), ...Array.from({ length: 3 }, (_, i) => event(100 + i, 5)), ...Array.from({ length: 4 }, (_, i) => event(i, 40, 'ws_other'))];
    await store.transaction((tx) => tx.events.append(events));
    // One more old event the engine has not processed yet (seq past its cursor).
    const head = await store.sql.query<{ seq: unknown }>('SELECT MAX(seq) AS seq FROM events');
    await store.sql.execute('INSERT INTO engine_cursors (name, seq) VALUES ($1, $2)', ['engine', Number(head[0]?.seq)]);
    await store.transaction((tx) => tx.events.append([event(200, 50)]));

    const worker = new RetentionWorker({ store, clock, batchSize: 5, batchesPerPass: 2 });
    expect(await worker.get(WS)).toEqual({ eventsDays: null });
    await worker.set(WS, { eventsDays: 30 });
    expect(await worker.get(WS)).toEqual({ eventsDays: 30 });

    const count = async (ws: string): Promise<number> =>
      Number((await store.sql.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM events WHERE workspace_id = $1', [ws]))[0]?.n);
    expect(await worker.runOnce()).toEqual({ deleted: 10, more: true });
    expect(await worker.runOnce()).toEqual({ deleted: 2, more: false });
    expect(await count(WS)).toBe(3 + 1);
    expect(await count('ws_other')).toBe(4);
    expect(await worker.runOnce()).toEqual({ deleted: 0, more: false });

    await worker.set(WS, { eventsDays: null });
    expect(await worker.get(WS)).toEqual({ eventsDays: null });
  });
});

describe.runIf(testStoreKinds().includes('postgres'))('event retention in a cluster', () => {
  it('deletes what each partition engine has processed, though most partitions never had an event, and keeps what one has not reached', async () => {
    const pg = await createTestPostgresStore({ poolSize: 6 });
    const { store } = pg;
    const clock = new FakeClock(T0);
    const worker = new ClusterWorker({ store, clock, processId: 'only', leaseMs: 3000, engine: { tailIntervalMs: 0 }, onError: (e) => { throw e; } });
    try {
      await store.workspaces.ensureDefault(T0);
      expect(await store.events.partitions()).toBe(16);
      await worker.start();
      await worker.settled();
      // 12 old events (40 days) and 3 recent ones over three profiles, evaluated by their partitions' engines.
      const events = [...Array.from({ length: 12 }, (_, i) => event(i, 40)), ...Array.from({ length: 3 }, (_, i) => event(100 + i, 5))];
      await store.transaction((tx) => tx.events.append(events));
      worker.wake();
      await worker.settled();
      const processed = await processedUpTo(store.sql);
      const busy = new Set(['p0', 'p1', 'p2'].map((p) => partitionOf(p, 16)));
      // The partitions without events have no cursor: the smallest cursor says nothing was processed.
      expect(processed.min).toBe(0);
      expect(processed.partitions.filter((p) => p.cursor > 0).map((p) => p.partition).sort()).toEqual([...busy].sort());
      expect(processed.waiting).toBe(0);

      // One more old event its partition's engine has not processed yet (the engines are stopped).
      await worker.stop();
      clock.advance(1000);
      await store.transaction((tx) => tx.events.append([{ ...event(200, 50), receivedAt: clock.now() }]));
      const pending = await processedUpTo(store.sql);
      expect(pending.waiting).toBe(1);
      expect(pending.oldestWaitingReceivedAt).toBe(clock.now());
      expect(pending.partitions.find((p) => p.waiting === 1)?.partition).toBe(partitionOf(event(200, 50).profileId, 16));

      const retention = new RetentionWorker({ store, clock, batchSize: 5, batchesPerPass: 10 });
      await retention.set(WS, { eventsDays: 30 });
      expect(await retention.runOnce()).toEqual({ deleted: 12, more: false });
      const left = await store.sql.query<{ message_id: string }>('SELECT message_id FROM events WHERE workspace_id = $1 ORDER BY message_id', [WS]);
      expect(left.map((r) => r.message_id)).toEqual(['m-ws_default-100', 'm-ws_default-101', 'm-ws_default-102', 'm-ws_default-200']);
    } finally {
      await worker.stop();
      await pg.dispose();
    }
  });
});
