import { expect, it } from 'vitest';
import type { Store } from '../store.js';
import { describeEachStore } from '../testing/index.js';
import { ConsumerLoop } from './consumer-loop.js';
import { inStore, LogConsumer, type ConsumableLog } from './log-consumer.js';

interface Entry {
  readonly seq: number;
}

/** A log of `n` entries (the log is an input here; what is under test is the cursor and its transactions). */
function logOf(n: number): ConsumableLog<Entry> {
  const entries = Array.from({ length: n }, (_, i) => ({ seq: i + 1 }));
  return {
    read: async (after, limit) => entries.filter((e) => e.seq > after).slice(0, limit),
    head: async () => n,
  };
}

/** Every effect is a row `effect:<seq>` in the same table, so a doubled effect breaks the primary key. */
function consumer(store: Store, log: ConsumableLog<Entry>, options: { batchSize?: number; fail?: (seq: number) => boolean; from?: 'start' | 'head' } = {}): LogConsumer<Entry> {
  return new LogConsumer<Entry>({
    db: inStore(store),
    log,
    table: 'monitor_cursors',
    name: 'test',
    from: options.from ?? 'start',
    batchSize: options.batchSize ?? 7,
    apply: async (tx, batch) => {
      for (const e of batch) {
        await tx.sql.execute('INSERT INTO monitor_cursors (name, seq) VALUES ($1, $2)', [`effect:${e.seq}`, e.seq]);
        if (options.fail?.(e.seq)) throw new Error(`failed at ${e.seq}`);
      }
    },
  });
}

async function effects(store: Store): Promise<number[]> {
  const rows = await store.sql.query<{ seq: unknown }>("SELECT seq FROM monitor_cursors WHERE name LIKE 'effect:%' ORDER BY seq");
  return rows.map((r) => Number(r.seq));
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describeEachStore('LogConsumer', (getStore) => {
  it('applies every entry once in batches and keeps its position across instances (a restart)', async () => {
    const log = logOf(20);
    const first = consumer(getStore(), log);
    expect(await first.step()).toEqual({ consumed: 7, more: true });
    const restarted = consumer(getStore(), log);
    expect(await restarted.position()).toBe(7);
    expect(await restarted.drain()).toBe(13);
    expect(await effects(getStore())).toEqual(range(20));
    expect(await restarted.step()).toEqual({ consumed: 0, more: false });
  });

  it('commits a batch and its cursor together: a failing batch leaves neither, and is applied whole on retry', async () => {
    const log = logOf(10);
    let failing = true;
    const c = consumer(getStore(), log, { fail: (seq) => failing && seq === 10 });
    expect(await c.step()).toEqual({ consumed: 7, more: true });
    await expect(c.step()).rejects.toThrow('failed at 10');
    expect(await c.position()).toBe(7);
    expect(await effects(getStore())).toEqual(range(7));
    failing = false;
    expect(await c.step()).toEqual({ consumed: 3, more: false });
    expect(await effects(getStore())).toEqual(range(10));
  });

  it('applies each entry exactly once when several consumers follow the same cursor at once', async () => {
    const log = logOf(60);
    const consumers = Array.from({ length: 4 }, () => consumer(getStore(), log, { batchSize: 5 }));
    const consumed = await Promise.all(consumers.map((c) => c.drain()));
    // a consumer that lost a race may stop early; one more drain finishes whatever is left
    const rest = await consumers[0]!.drain();
    // each entry was applied by exactly one consumer (a doubled effect would also break the primary key)
    expect(consumed.reduce((a, b) => a + b, 0) + rest).toBe(60);
    expect(await effects(getStore())).toEqual(range(60));
  });

  it('starts a new cursor at the log head when asked, and only moves it forward', async () => {
    const c = consumer(getStore(), logOf(12), { from: 'head' });
    expect(await c.position()).toBe(12);
    await c.advanceTo(5);
    expect(await c.position()).toBe(12);
    await c.advanceTo(15);
    expect(await c.position()).toBe(15);
  });

  it('runs nothing through a loop while this process is not active, and catches up when it becomes active', async () => {
    const c = consumer(getStore(), logOf(9));
    let active = false;
    const errors: unknown[] = [];
    const loop = new ConsumerLoop({ step: async () => (await c.step()).more, onError: (e) => errors.push(e), isActive: () => active });
    loop.start();
    await loop.idle();
    expect(await effects(getStore())).toEqual([]);
    active = true;
    loop.wake();
    await loop.idle();
    await loop.stop();
    expect(errors).toEqual([]);
    expect(await effects(getStore())).toEqual(range(9));
  });
});
