/**
 * @module
 * Memory over a long run: events generated at a paced 5,000 events/s on the real clock (1M profiles, Zipf, the
 * 20 benchmark segments, timers firing in real time) for 10 minutes (60 s with --quick; `BENCH_RSS_SECONDS`
 * overrides), with the engine's default cache bounds (100,000 profiles, 256 MiB estimated). The process's RSS
 * and heap are sampled every 10 s. What matters is the shape: RSS rising while the cache fills, then flat once
 * the cache is at its bound, not growing with the number of events. The RSS at the end is also given without its
 * file-backed pages (SQLite's memory-mapped database pages, which the kernel reclaims at will).
 *
 * When the engine is slower than the paced rate (a loaded machine), appending pauses while the engine is more
 * than 10,000 events behind, as ingestion's backpressure would: the run then measures memory at the engine's own
 * pace, and the note says which rate was reached.
 */
import { existsSync, readFileSync } from 'node:fs';
import { systemClock } from '../../src/core/index.js';
import { EventGenerator } from '../generator.js';
import type { BenchRow, Workload } from '../workload.js';
import { BENCH_WS, heapAfterGc, openEngineBench } from './engine-setup.js';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

/** Resident memory split into anonymous and file-backed pages (MiB), from /proc/self/status; undefined elsewhere. */
function rssSplit(): { anon: number; file: number } | undefined {
  if (!existsSync('/proc/self/status')) return undefined;
  const status = readFileSync('/proc/self/status', 'utf8');
  const mib = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { anon: mib('RssAnon'), file: mib('RssFile') + mib('RssShmem') };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MIB = 2 ** 20;
const MAX_BACKLOG = 10_000;

/** RSS over a paced run of several minutes. */
export const engineRss: Workload = {
  name: 'engine-rss',
  description: 'RSS and heap sampled over a paced 5,000 events/s run on the real clock (10 minutes; 60 s with --quick)',
  async run({ quick }) {
    const rate = Number(process.env.BENCH_RSS_RATE ?? 5000);
    const seconds = Number(process.env.BENCH_RSS_SECONDS ?? (quick ? 60 : 600));
    const tick = 100;
    const bench = await openEngineBench({ clock: systemClock, cacheCapacity: 100_000 });
    try {
      const gen = new EventGenerator({ seed: 3, profiles: 1_000_000, workspaceId: BENCH_WS });
      const samples: { at: number; rss: number; heap: number }[] = [];
      const started = performance.now();
      let appended = 0;
      let shed = 0;
      let nextSample = 0;
      while (performance.now() - started < seconds * 1000) {
        const elapsed = performance.now() - started;
        // Catch up to the paced count (a slow tick appends more the next time), in one transaction per tick.
        const target = Math.floor((elapsed / 1000) * rate);
        const owed = target - appended - shed;
        // Never more than MAX_BACKLOG ahead of the engine: a tick delayed behind a long commit would otherwise
        // append the whole delay's worth at once.
        const room = Math.max(0, MAX_BACKLOG - (appended - bench.engine.position));
        const n = Math.min(Math.max(0, owed), room);
        shed += Math.max(0, owed) - n;
        if (n > 0) {
          const events = Array.from({ length: n }, () => gen.next(Date.now()));
          await bench.store.transaction((tx) => tx.events.append(events));
          appended += n;
          bench.engine.wake();
        }
        if (elapsed >= nextSample) {
          const m = process.memoryUsage();
          samples.push({ at: elapsed / 1000, rss: m.rss / MIB, heap: m.heapUsed / MIB });
          nextSample += 10_000;
          process.stderr.write(`engine-rss: ${Math.round(elapsed / 1000)} s, RSS ${Math.round(m.rss / MIB)} MiB, appended ${appended}, engine at ${bench.engine.position}\n`);
        }
        await sleep(tick);
      }
      await bench.engine.idle();
      const end = process.memoryUsage();
      if (process.env.BENCH_RSS_DIAG === '1') {
        const gcHeap = heapAfterGc();
        const m = process.memoryUsage();
        process.stderr.write(`engine-rss diag: after GC heap+ab ${Math.round(gcHeap / MIB)} MiB, rss ${Math.round(m.rss / MIB)}, external ${Math.round(m.external / MIB)}, ab ${Math.round(m.arrayBuffers / MIB)}\n`);
        for (const sp of getHeapSpaceStatistics()) process.stderr.write(`  ${sp.space_name}: used ${Math.round(sp.space_used_size / MIB)} size ${Math.round(sp.space_size / MIB)}\n`);
        if (process.env.BENCH_RSS_SNAPSHOT) process.stderr.write(`snapshot ${writeHeapSnapshot(process.env.BENCH_RSS_SNAPSHOT)}\n`);
      }
      samples.push({ at: (performance.now() - started) / 1000, rss: end.rss / MIB, heap: end.heapUsed / MIB });
      const wall = (performance.now() - started) / 1000;
      const processed = bench.engine.position;
      const first = samples[0] ?? { at: 0, rss: NaN, heap: NaN };
      const last = samples.at(-1) ?? first;
      const max = Math.max(...samples.map((s) => s.rss));
      // Growth over the second half of the run: flat once the cache has reached its bound.
      const half = samples.filter((s) => s.at >= seconds / 2);
      const h0 = half[0] ?? first;
      const growth = ((last.rss - h0.rss) / Math.max(1e-9, last.at - h0.at)) * 60;
      const mem = bench.engine.memory();
      const trace = samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 10)) === 0).map((s) => `${Math.round(s.at)}s ${Math.round(s.rss)}`).join(', ');
      const note = `${appended.toLocaleString('en-US')} events appended (${shed.toLocaleString('en-US')} of the paced ${rate}/s shed while the engine was ${MAX_BACKLOG.toLocaleString('en-US')} behind) over ${Math.round(wall)} s (${Math.round(processed / wall).toLocaleString('en-US')}/s processed), 1M profiles, 20 segments, real clock, cache ${mem.profiles.toLocaleString('en-US')} profiles / ${Math.round(mem.bytes / MIB)} MiB estimated at the end; RSS MiB: ${trace}`;
      const split = rssSplit();
      const rows: BenchRow[] = [
        { workload: 'engine-rss', metric: 'RSS at start', value: first.rss, unit: 'MiB', target: '', note },
        { workload: 'engine-rss', metric: 'RSS max', value: max, unit: 'MiB', target: '', note },
        { workload: 'engine-rss', metric: 'RSS at end', value: last.rss, unit: 'MiB', target: '', note },
        {
          workload: 'engine-rss',
          metric: 'RSS at end, anonymous pages',
          value: split?.anon ?? NaN,
          unit: 'MiB',
          target: '',
          note: `RSS without file-backed pages (${split === undefined ? 'n/a' : Math.round(split.file)} MiB at the end: the database pages SQLite maps with mmap_size, reclaimable by the kernel); Linux only`,
        },
        {
          workload: 'engine-rss',
          metric: 'RSS growth over the second half',
          value: growth,
          unit: 'MiB/min',
          target: '≈ 0 (bounded)',
          met: growth <= 5,
          note: `heap at end ${Math.round(last.heap)} MiB; ${note}`,
        },
      ];
      return rows;
    } finally {
      await bench.dispose();
    }
  },
};
