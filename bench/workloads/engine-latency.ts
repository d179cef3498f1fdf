/**
 * @module
 * Event → membership-change latency at a paced load (half the throughput target the engine reaches on this
 * machine): batches are appended on the real clock, the engine is woken as ingestion's `onCommitted` would, and
 * the time from each batch's commit to the commit of its membership effects is recorded.
 */
import { systemClock } from '../../src/core/index.js';
import { EventGenerator } from '../generator.js';
import type { Workload } from '../workload.js';
import { BENCH_WS, openEngineBench, quantile } from './engine-setup.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** p50 / p99 latency from event commit to membership commit at a paced rate. */
export const engineLatency: Workload = {
  name: 'engine-latency',
  description: 'event → membership change latency p50/p99 at a paced load on the real clock',
  async run({ quick }) {
    const rate = Number(process.env.BENCH_LATENCY_RATE ?? 2000);
    const seconds = quick ? 3 : 10;
    const batch = 20;
    const bench = await openEngineBench({ clock: systemClock });
    try {
      const gen = new EventGenerator({ seed: 2, profiles: 20_000, workspaceId: BENCH_WS });
      const latencies: number[] = [];
      const started = performance.now();
      const interval = (batch / rate) * 1000;
      for (let i = 0; performance.now() - started < seconds * 1000; i++) {
        const due = started + i * interval;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const events = Array.from({ length: batch }, () => gen.next(Date.now()));
        await bench.store.transaction((tx) => tx.events.append(events));
        const committed = performance.now();
        bench.engine.wake();
        await bench.engine.idle();
        const latency = performance.now() - committed;
        for (let k = 0; k < batch; k++) latencies.push(latency);
      }
      const p50 = quantile(latencies, 0.5);
      const p99 = quantile(latencies, 0.99);
      const note = `${latencies.length.toLocaleString('en-US')} events at ${rate}/s paced in batches of ${batch}, 20 segments, SQLite; latency = event commit → membership commit`;
      return [
        { workload: 'engine-latency', metric: 'event → change p50', value: p50, unit: 'ms', target: '≤ 10', met: p50 <= 10, note },
        { workload: 'engine-latency', metric: 'event → change p99', value: p99, unit: 'ms', target: '≤ 100', met: p99 <= 100, note },
      ];
    } finally {
      await bench.dispose();
    }
  },
};
