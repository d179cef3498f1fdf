import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../core/index.js';
import { makeEvent } from '../contract/event-fixture.js';
import type { Store } from '../store.js';
import { createTestSqliteStore } from '../testing/index.js';
import { LogTail, type LogTailSource } from './log-tail.js';

/** A log in memory that counts the rows read from it, with a generation a test can move. */
function countingLog(n: number) {
  const events: StoredEvent[] = Array.from({ length: n }, (_, i) => ({ ...makeEvent({ messageId: `m${i + 1}` }), seq: i + 1 }));
  const stats = { reads: 0, rows: 0, generation: 0 };
  const source: LogTailSource = {
    readRows: async (after, limit) => {
      const rows = events.filter((e) => e.seq > after).slice(0, limit);
      stats.reads++;
      stats.rows += rows.length;
      return rows;
    },
    generation: async () => stats.generation,
  };
  const append = (k: number): void => {
    const top = events.at(-1)?.seq ?? 0;
    for (let i = 1; i <= k; i++) events.push({ ...makeEvent({ messageId: `m${top + i}` }), seq: top + i });
  };
  return { events, stats, source, append };
}

const seqs = (rows: readonly StoredEvent[]): number[] => rows.map((e) => e.seq);
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('LogTail', () => {
  it('reads each new event from the table once however many followers read it', async () => {
    const log = countingLog(300);
    const tail = new LogTail(log.source);
    for (let follower = 0; follower < 5; follower++) expect(seqs(await tail.read(0, 500))).toEqual(range(1, 300));
    log.append(50);
    for (let follower = 0; follower < 5; follower++) expect(seqs(await tail.read(300, 500))).toEqual(range(301, 350));
    expect(log.stats.rows).toBe(350);
  });

  it('serves pages of any size and position inside the tail, and reads only what lies beyond it', async () => {
    const log = countingLog(100);
    const tail = new LogTail(log.source);
    expect(seqs(await tail.read(0, 40))).toEqual(range(1, 40));
    expect(seqs(await tail.read(10, 20))).toEqual(range(11, 30));
    expect(log.stats.rows).toBe(40);
    expect(seqs(await tail.read(30, 50))).toEqual(range(31, 80));
    expect(log.stats.rows).toBe(80);
    expect(seqs(await tail.read(0, 100))).toEqual(range(1, 100));
    expect(log.stats.rows).toBe(100);
  });

  it('drops everything it holds when the rewrite generation moved (a merge, an erasure, retention)', async () => {
    const log = countingLog(10);
    const tail = new LogTail(log.source);
    await tail.read(0, 10);
    log.events[3] = { ...log.events[3]!, profileId: 'prof_survivor' };
    log.events.splice(7, 1);
    log.stats.generation++;
    const again = await tail.read(0, 10);
    expect(again.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10]);
    expect(again[3]!.profileId).toBe('prof_survivor');
  });

  it('reads the table directly for a follower behind its start, and keeps at most its capacity', async () => {
    const log = countingLog(100);
    const tail = new LogTail(log.source, 30);
    expect(seqs(await tail.read(0, 100))).toEqual(range(1, 100));
    const before = log.stats.reads;
    expect(seqs(await tail.read(80, 10))).toEqual(range(81, 90));
    expect(log.stats.reads).toBe(before);
    expect(seqs(await tail.read(5, 3))).toEqual([6, 7, 8]);
    expect(log.stats.reads).toBe(before + 1);
  });

  it('never doubles rows when two reads extend it at the same time', async () => {
    const log = countingLog(20);
    const tail = new LogTail(log.source);
    const [a, b] = await Promise.all([tail.read(0, 15), tail.read(0, 20)]);
    expect(seqs(a)).toEqual(range(1, 15));
    expect(seqs(b)).toEqual(range(1, 20));
    expect(seqs(await tail.read(0, 50))).toEqual(range(1, 20));
  });
});

describe('the SQLite store’s readLog through its tail', () => {
  let store: Store;
  afterEach(async () => store?.close());

  it('shows the table as it is after an identity merge re-points events and after events are deleted', async () => {
    store = await createTestSqliteStore();
    await store.events.append([
      makeEvent({ messageId: 'a', profileId: 'prof_a' }),
      makeEvent({ messageId: 'b', profileId: 'prof_b' }),
      makeEvent({ messageId: 'c', profileId: 'prof_a' }),
    ]);
    expect((await store.events.readLog(0, 10)).map((e) => e.profileId)).toEqual(['prof_a', 'prof_b', 'prof_a']);
    // Through the table, as a merge in the ingestion writer thread (another connection) would.
    await store.transaction((tx) => tx.events.reassign('ws_default', 'prof_a', 'prof_b'));
    expect((await store.events.readLog(0, 10)).map((e) => e.profileId)).toEqual(['prof_b', 'prof_b', 'prof_b']);
    await store.sql.execute("DELETE FROM events WHERE message_id = 'b'");
    expect((await store.events.readLog(0, 10)).map((e) => e.messageId)).toEqual(['a', 'c']);
    await store.events.append([makeEvent({ messageId: 'd' })]);
    expect((await store.events.readLog(0, 10)).map((e) => e.messageId)).toEqual(['a', 'c', 'd']);
  });

  it('does not serve a transaction’s own uncommitted rows to readers outside it, even after a rollback', async () => {
    store = await createTestSqliteStore();
    await store.events.append([makeEvent({ messageId: 'kept' })]);
    await expect(
      store.transaction(async (tx) => {
        await tx.events.append([makeEvent({ messageId: 'rolled-back' })]);
        // The store's repository inside the transaction's async context reads through the transaction.
        expect((await store.events.readLog(0, 10)).map((e) => e.messageId)).toEqual(['kept', 'rolled-back']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await store.events.readLog(0, 10)).map((e) => e.messageId)).toEqual(['kept']);
  });
});
