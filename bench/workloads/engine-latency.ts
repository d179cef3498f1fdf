/**
 * @module
 * Event → membership-change latency at a paced load (half the throughput target the engine reaches on this
 * machine): batches are appended on the real clock, the engine is woken as ingestion's `onCommitted` would, and
 * the time from each batch's commit to the commit of its membership effects is recorded.
 */
import { systemClock } from '../../src/core/index.js';
import { EventGenerator } from '../generator.js';
import type { Workload } from '../workload.js';
import { appendAll, BENCH_WS, openEngineBench, quantile } from './engine-setup.js';
import type { EngineBench } from './engine-setup.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets the event loop run once (the engine's work proceeds meanwhile). */
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Appends batches at `rate` events/s for `seconds` on the real clock, wakes the engine as ingestion does, and
 * records for each event the time from its batch's commit until `settled(lastSeq)` resolves.
 */
async function paced(bench: EngineBench, gen: EventGenerator, seconds: number, rate: number, settled: (seq: number) => Promise<void>): Promise<number[]> {
  const batch = 20;
  const latencies: number[] = [];
  const started = performance.now();
  const interval = (batch / rate) * 1000;
  for (let i = 0; performance.now() - started < seconds * 1000; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const events = Array.from({ length: batch }, () => gen.next(Date.now()));
    const appended = await bench.store.transaction((tx) => tx.events.append(events));
    const committed = performance.now();
    bench.engine.wake();
    await settled(Math.max(0, ...appended.inserted.map((e) => e.seq)));
    const latency = performance.now() - committed;
    for (let k = 0; k < batch; k++) latencies.push(latency);
  }
  return latencies;
}

/** p50 / p99 latency from event commit to membership commit at a paced rate, alone and while a backfill runs. */
export const engineLatency: Workload = {
  name: 'engine-latency',
  description: 'event → membership change latency p50/p99 at a paced load on the real clock, alone and during a background backfill',
  async run({ quick }) {
    const rate = Number(process.env.BENCH_LATENCY_RATE ?? 2000);
    const seconds = quick ? 3 : 10;
    const bench = await openEngineBench({ clock: systemClock });
    try {
      const gen = new EventGenerator({ seed: 2, profiles: 20_000, workspaceId: BENCH_WS });
      const latencies = await paced(bench, gen, seconds, rate, () => bench.engine.idle());
      const p50 = quantile(latencies, 0.5);
      const p99 = quantile(latencies, 0.99);
      const note = `${latencies.length.toLocaleString('en-US')} events at ${rate}/s paced in batches of 20, 20 segments, SQLite; latency = event commit → membership commit`;

      // The same load while a new segment backfills in the background over a stored history (of the same
      // profiles): its slices interleave with the event batches, so an event waits for one slice at worst.
      const history = quick ? 100_000 : 500_000;
      const old = new EventGenerator({ seed: 5, profiles: 20_000, workspaceId: BENCH_WS });
      const past = Date.now() - 30 * 86_400_000;
      await appendAll(bench.store, Array.from({ length: history }, (_, i) => old.next(past + i)), 5000);
      bench.engine.wake();
      await bench.engine.idle();
      const created = await bench.service.create(BENCH_WS, { name: 'backfilled_during_load', rule: 'count("Product Viewed", within 30d) >= 3' }, { wait: false });
      if (!created.ok) throw new Error('segment');
      const position = async (seq: number): Promise<void> => {
        while (bench.engine.position < seq) await tick();
      };
      const during = await paced(bench, gen, seconds, rate, position);
      const progress = await bench.service.backfill(BENCH_WS, created.value.id);
      const ran = progress === undefined ? 'no backfill' : `backfill ${progress.state}, ${progress.done.toLocaleString('en-US')} / ${progress.total.toLocaleString('en-US')} events at the end`;
      const p50b = quantile(during, 0.5);
      const p99b = quantile(during, 0.99);
      const noteB = `${during.length.toLocaleString('en-US')} events at ${rate}/s while a new segment backfills over ${history.toLocaleString('en-US')} stored events (${ran}); slices of 100 profiles or 2,000 events`;
      await bench.engine.idle();
      return [
        { workload: 'engine-latency', metric: 'event → change p50', value: p50, unit: 'ms', target: '≤ 10', met: p50 <= 10, note },
        { workload: 'engine-latency', metric: 'event → change p99', value: p99, unit: 'ms', target: '≤ 100', met: p99 <= 100, note },
        { workload: 'engine-latency', metric: 'event → change p50 during a backfill', value: p50b, unit: 'ms', target: '≤ 10', met: p50b <= 10, note: noteB },
        { workload: 'engine-latency', metric: 'event → change p99 during a backfill', value: p99b, unit: 'ms', target: '≤ 100', met: p99b <= 100, note: noteB },
      ];
    } finally {
      await bench.dispose();
    }
  },
};
