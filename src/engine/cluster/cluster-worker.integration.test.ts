import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { createTestPostgresStore, testStoreKinds } from '../../store/testing/index.js';
import type { DisposableStore } from '../../store/testing/index.js';
import { ClusterWorker } from './cluster-worker.js';

const T0 = Date.UTC(2026, 0, 1);
const LEASE = 3000;
const range = (from: number, to: number, step = 1): number[] => Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => from + i * step);

describe.runIf(testStoreKinds().includes('postgres'))('cluster worker on PostgreSQL', () => {
  let current: DisposableStore | undefined;
  const workers: ClusterWorker[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    await current?.dispose();
    current = undefined;
  });

  it('gives a lone process every partition, hands half over to a process that joins, and all back when it leaves', async () => {
    current = await createTestPostgresStore({ poolSize: 6 });
    const { store } = current;
    const clock = new FakeClock(T0);
    const worker = (id: string): ClusterWorker => {
      const w = new ClusterWorker({ store, clock, processId: id, leaseMs: LEASE, engine: { tailIntervalMs: 0 }, onError: (e) => { throw e; } });
      workers.push(w);
      return w;
    };
    const settle = async (): Promise<void> => {
      for (const w of workers) await w.settled();
    };
    const a = worker('a');
    await a.start();
    await settle();
    expect(a.activePartitions()).toEqual(range(0, 16));

    // b joins: its share (the odd partitions) is still held by a, so b's engines wait as standbys.
    const b = worker('b');
    await b.start();
    await settle();
    expect(b.activePartitions()).toEqual([]);
    // At a's next heartbeat a sees b and gives the odd partitions up; b's standbys take them at their next one.
    clock.advance(LEASE / 3);
    await settle();
    clock.advance(LEASE / 3);
    await settle();
    expect(a.activePartitions()).toEqual(range(0, 16, 2));
    expect(b.activePartitions()).toEqual(range(1, 16, 2));
    const status = await a.status();
    expect(status.processes.map((p) => [p.id, p.partitions.length])).toEqual([
      ['a', 8],
      ['b', 8],
    ]);
    // Every hand-over bumped the fencing epoch of the partitions that moved, and only those.
    expect(status.partitionStates.filter((p) => p.epoch === 2).map((p) => p.partition)).toEqual(range(1, 16, 2));

    // b leaves cleanly: a takes everything back at its next heartbeat.
    await b.stop();
    workers.splice(workers.indexOf(b), 1);
    clock.advance(LEASE / 3);
    await settle();
    expect(a.activePartitions()).toEqual(range(0, 16));
  });
});
