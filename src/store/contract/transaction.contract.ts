import { expect, it } from 'vitest';
import type { Store } from '../store.js';
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
    expect(await store.events.readLog(0, 10)).toEqual([]);
    release();
    await writer;
    expect((await store.events.readLog(0, 10)).map((e) => e.messageId)).toEqual(['m1']);
  });

  it('runs concurrent transactions without losing or interleaving their writes', async () => {
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
    // Each transaction's events are contiguous in the log: transactions do not interleave.
    const owners = log.map((e) => e.profileId);
    const runs = owners.filter((p, i) => i === 0 || owners[i - 1] !== p);
    expect(runs).toHaveLength(8);
  });

  it('answers the readiness probe', async () => {
    expect(await getStore().ping()).toBe(true);
  });
}
