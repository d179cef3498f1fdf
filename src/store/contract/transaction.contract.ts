import { expect, it } from 'vitest';
import type { Store } from '../store.js';
import { partitionOf } from '../partition-of.js';
import { makeEvent } from './event-fixture.js';

const WS = 'ws_default';

/** Registers the {@link Store.transaction} contract tests; call inside a describe that provides fresh stores. */
export function transactionContract(getStore: () => Store): void {
  it('commits every write of a transaction together', async () => {
    const store = getStore();
    await store.transaction(async (tx) => {
      await tx.profiles.create(WS, 'prof_a', 1);
      await tx.events.append([makeEvent({ messageId: 'm1' })]);
      // Reads inside the transaction see its own writes.
      expect(await tx.events.count(WS)).toBe(1);
    });
    expect(await store.events.count(WS)).toBe(1);
    expect(await store.profiles.count(WS)).toBe(1);
  });

  it('rolls back every write when the function rejects, and passes the rejection on', async () => {
    const store = getStore();
    const boom = new Error('boom');
    await expect(
      store.transaction(async (tx) => {
        await tx.profiles.create(WS, 'prof_a', 1);
        await tx.events.append([makeEvent({ messageId: 'm1' })]);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await store.events.count(WS)).toBe(0);
    expect(await store.profiles.get(WS, 'prof_a')).toBeUndefined();
    // The store is still usable afterwards.
    await store.events.append([makeEvent({ messageId: 'm1' })]);
    expect(await store.events.count(WS)).toBe(1);
  });

  it('rolls back a transaction whose statement fails', async () => {
    const store = getStore();
    await store.profiles.create(WS, 'prof_a', 1);
    await expect(
      store.transaction(async (tx) => {
        await tx.events.append([makeEvent({ messageId: 'm1' })]);
        await tx.profiles.create(WS, 'prof_a', 2); // primary key violation
      }),
    ).rejects.toThrow();
    expect(await store.events.count(WS)).toBe(0);
  });

  it('joins nested transactions to the outer one, whichever object opens them', async () => {
    const store = getStore();
    await expect(
      store.transaction(async (tx) => {
        await tx.sql.transaction(async (inner) => {
          await inner.execute('INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, $3)', ['ws_a', 'A', 1]);
        });
        // Opening a transaction on the store itself from inside one joins it rather than deadlocking.
        await store.transaction(async (again) => {
          await again.events.append([makeEvent({ messageId: 'm1' })]);
        });
        await store.events.append([makeEvent({ messageId: 'm2' })]);
        expect(await tx.events.count(WS)).toBe(2);
        throw new Error('undo all of it');
      }),
    ).rejects.toThrow('undo all of it');
    expect(await store.workspaces.get('ws_a')).toBeUndefined();
    expect(await store.events.count(WS)).toBe(0);
  });

  it('keeps an open transaction’s writes invisible to readers outside it until it commits', async () => {
    const store = getStore();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended!: () => void;
    const didAppend = new Promise<void>((resolve) => (appended = resolve));
    const writer = store.transaction(async (tx) => {
      await tx.events.append([makeEvent({ messageId: 'm1' })]);
      appended();
      await held;
    });
    await didAppend;
    expect(await store.events.count(WS)).toBe(0);
    expect(await store.events.readPartition(partitionOf('prof_a', await store.events.partitions()), 0, 10)).toEqual([]);
    // A reader of the global order either answers without it (SQLite) or waits for the commit (PostgreSQL's
    // barrier): it never answers with a later event while the open one may still commit before it.
    const reading = store.events.readLog(0, 10);
    release();
    await writer;
    expect((await reading).map((e) => e.messageId)).toSatisfy((ids: string[]) => ids.length === 0 || ids[0] === 'm1');
    expect((await store.events.readLog(0, 10)).map((e) => e.messageId)).toEqual(['m1']);
  });

  it('runs concurrent transactions without losing their writes, each transaction’s events in its own order', async () => {
    const store = getStore();
    await Promise.all(
      Array.from({ length: 8 }, (_, t) =>
        store.transaction(async (tx) => {
          for (let i = 0; i < 5; i++) {
            await tx.events.append([makeEvent({ messageId: `t${t}-${i}`, profileId: `prof_${t}` })]);
          }
        }),
      ),
    );
    const log = await store.events.readLog(0, 100);
    expect(log).toHaveLength(40);
    // Transactions in different partitions may interleave (appends there do not wait for each other); each
    // transaction's events keep its order.
    for (let t = 0; t < 8; t++) {
      expect(log.filter((e) => e.profileId === `prof_${t}`).map((e) => e.messageId)).toEqual([0, 1, 2, 3, 4].map((i) => `t${t}-${i}`));
    }
  });

  it('answers the readiness probe', async () => {
    expect(await getStore().ping()).toBe(true);
  });
}
