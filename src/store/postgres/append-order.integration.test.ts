import { afterEach, describe, expect, it } from 'vitest';
import { makeEvent } from '../contract/event-fixture.js';
import { partitionOf } from '../partition-of.js';
import type { Store } from '../store.js';
import type { DisposableStore } from '../testing/index.js';
import { createTestPostgresStore, testStoreKinds } from '../testing/index.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** True when some transaction of this schema waits for a lock on the event log's partition table or its rows. */
async function appendLockHasWaiter(store: Store): Promise<boolean> {
  const rows = await store.sql.query(
    `SELECT 1 FROM pg_locks l
     WHERE NOT l.granted AND (l.relation = 'event_partitions'::regclass OR l.locktype = 'transactionid')`,
  );
  return rows.length > 0;
}

/** A small deterministic PRNG (mulberry32) so the interleavings are varied but reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.runIf(testStoreKinds().includes('postgres'))('event log order on PostgreSQL', () => {
  let current: DisposableStore | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('never exposes a seq while a transaction holding a smaller seq is still open: the reader waits for it', async () => {
    current = await createTestPostgresStore();
    const { store } = current;
    const t1Appended = deferred();
    const t1Release = deferred();
    const t1 = store.transaction(async (tx) => {
      await tx.events.append([makeEvent({ messageId: 'first' })]);
      t1Appended.resolve();
      await t1Release.promise;
    });
    await t1Appended.promise;
    let t2Settled = false;
    const t2 = store
      .transaction((tx) => tx.events.append([makeEvent({ messageId: 'second' })]))
      .finally(() => {
        t2Settled = true;
      });
    // Give the second transaction every chance to commit before the first: wait until it has either
    // finished or queued behind the first one's lock.
    while (!t2Settled && !(await appendLockHasWaiter(store))) {
      // poll: each iteration is a round trip to the server
    }
    let read: string[] | undefined;
    const reader = store.events.readLog(0, 10).then((log) => (read = log.map((e) => e.messageId)));
    // The reader cannot answer while 'first' is uncommitted: it queues behind the open append.
    while (!(await appendLockHasWaiter(store)) && read === undefined) {
      // poll
    }
    expect(read).toBeUndefined();
    t1Release.resolve();
    await Promise.all([t1, t2, reader]);
    expect(read?.[0]).toBe('first');
    const log = await store.events.readLog(0, 10);
    expect(log.map((e) => e.messageId)).toEqual(['first', 'second']);
    expect(log[0]!.seq).toBeLessThan(log[1]!.seq);
  });

  it('lets appends to different partitions commit while an append to another partition is open', async () => {
    current = await createTestPostgresStore();
    const { store } = current;
    const partitions = await store.events.partitions();
    expect(partitions).toBe(16);
    const [a, b] = ['prof_a', 'prof_b'];
    expect(partitionOf(a, partitions)).not.toBe(partitionOf(b, partitions));
    const t1Appended = deferred();
    const t1Release = deferred();
    const t1 = store.transaction(async (tx) => {
      await tx.events.append([makeEvent({ messageId: 'slow', profileId: a })]);
      t1Appended.resolve();
      await t1Release.promise;
    });
    await t1Appended.promise;
    try {
      // Another partition: commits although the first append is still open, and its engine can read it.
      await store.transaction((tx) => tx.events.append([makeEvent({ messageId: 'other', profileId: b })]));
      const other = await store.events.readPartition(partitionOf(b, partitions), 0, 10);
      expect(other.map((e) => e.messageId)).toEqual(['other']);
      // The same partition: waits for the open append.
      let sameDone = false;
      const same = store.transaction((tx) => tx.events.append([makeEvent({ messageId: 'same', profileId: a })])).then(() => (sameDone = true));
      while (!(await appendLockHasWaiter(store))) {
        // poll until the second append of the partition queues
      }
      expect(sameDone).toBe(false);
      t1Release.resolve();
      await same;
    } finally {
      t1Release.resolve();
      await t1;
    }
    const mine = await store.events.readPartition(partitionOf(a, partitions), 0, 10);
    expect(mine.map((e) => e.messageId)).toEqual(['slow', 'same']);
    const heads = await store.sql.query<{ part: number; head: number }>('SELECT part, head FROM event_partitions WHERE head > 0 ORDER BY part');
    expect(heads.map((h) => [h.part, h.head])).toEqual(
      [
        [partitionOf(a, partitions), 2],
        [partitionOf(b, partitions), 1],
      ].sort((x, y) => x[0]! - y[0]!),
    );
  });

  it('lets a reader following the log by cursor see every event once while writers run concurrently', async () => {
    current = await createTestPostgresStore({ poolSize: 8 });
    const { store } = current;
    const random = prng(42);
    const writers = 6;
    const transactionsPerWriter = 12;
    const written: string[] = [];
    let running = writers;

    const writer = async (w: number): Promise<void> => {
      for (let t = 0; t < transactionsPerWriter; t++) {
        const pauses = Math.floor(random() * 4);
        const before = Math.floor(random() * 2);
        await store.transaction(async (tx) => {
          for (let p = 0; p < before; p++) await tx.sql.query('SELECT 1');
          const ids = [0, 1, 2].map((i) => `w${w}-t${t}-e${i}`);
          await tx.events.append(ids.map((messageId) => makeEvent({ messageId, profileId: `prof_${w}` })));
          // Hold the transaction open for a varying number of round trips after taking its seqs.
          for (let p = 0; p < pauses; p++) await tx.sql.query('SELECT 1');
          written.push(...ids);
        });
      }
      running--;
    };

    const seen: string[] = [];
    const reader = async (): Promise<void> => {
      let cursor = 0;
      for (;;) {
        const finished = running === 0;
        const page = await store.events.readLog(cursor, 7);
        for (const e of page) {
          expect(e.seq).toBeGreaterThan(cursor);
          seen.push(e.messageId);
          cursor = e.seq;
        }
        if (finished && page.length === 0) return;
      }
    };

    await Promise.all([...Array.from({ length: writers }, (_, w) => writer(w)), reader()]);
    expect(written).toHaveLength(writers * transactionsPerWriter * 3);
    expect([...seen].sort()).toEqual([...written].sort());
  });

  it('numbers every partition gap-free in seq order when concurrent batches each span many partitions', async () => {
    current = await createTestPostgresStore({ poolSize: 8 });
    const { store } = current;
    const partitions = await store.events.partitions();
    const random = prng(7);
    const writers = 6;
    const batches = 8;
    let duplicateSent = 0;
    const writer = async (w: number): Promise<void> => {
      for (let b = 0; b < batches; b++) {
        const size = 5 + Math.floor(random() * 40);
        const events = Array.from({ length: size }, (_, i) => makeEvent({ messageId: `w${w}-b${b}-e${i}`, profileId: `prof_${Math.floor(random() * 200)}` }));
        // now and then a messageId another writer also sends: one of them stores it, the other's number is a hole
        if (b % 3 === 0) {
          events.push(makeEvent({ messageId: `shared-${b}`, profileId: `prof_${b}` }));
          duplicateSent++;
        }
        await store.transaction(async (tx) => {
          await tx.events.append(events);
          if (random() < 0.5) await tx.sql.query('SELECT 1');
        });
      }
    };
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    expect(duplicateSent).toBeGreaterThan(0);
    const rows = await store.sql.query<{ part: number; part_seq: unknown; seq: unknown; profile_id: string }>(
      'SELECT part, part_seq, seq, profile_id FROM events ORDER BY part, seq',
    );
    const heads = new Map((await store.sql.query<{ part: number; head: unknown }>('SELECT part, head FROM event_partitions')).map((h) => [h.part, Number(h.head)]));
    const byPart = new Map<number, number[]>();
    for (const r of rows) {
      expect(partitionOf(r.profile_id, partitions)).toBe(r.part);
      byPart.set(r.part, [...(byPart.get(r.part) ?? []), Number(r.part_seq)]);
    }
    expect(byPart.size).toBeGreaterThan(8);
    for (const [part, seqs] of byPart) {
      // in seq order, each partition's own numbers only go up, and the head is the last one taken
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
      expect(heads.get(part)).toBeGreaterThanOrEqual(seqs.at(-1)!);
      // holes only where a duplicate messageId was dropped
      expect(seqs.at(-1)! - seqs.length).toBeLessThanOrEqual(duplicateSent);
    }
    expect(rows).toHaveLength(new Set(rows.map((r) => Number(r.seq))).size);
  });
});
