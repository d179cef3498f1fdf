/**
 * @module
 * Where the engine's memory goes over a long run, fast: the `engine-rss` workload's events (1M Zipf profiles, the
 * 20 benchmark segments, 5,000 events/s of event time) pushed through the engine on a fake clock as fast as it
 * goes, with the engine's default cache bounds. Every `BENCH_PROBE_EVERY` events it prints the heap after a
 * forced GC beside the cache's own estimate, the RSS split into anonymous and file-backed pages (memory-mapped
 * SQLite pages are file-backed), and the largest held profiles with their kept events per name.
 *
 * `npx tsx bench/tools/engine-memory-probe.ts [events]` (default 1,000,000).
 */
import { readFileSync } from 'node:fs';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { FakeClock } from '../../src/core/index.js';
import type { ProfileEntry } from '../../src/engine/profile-entry.js';
import { entryBytes } from '../../src/engine/profile-cache.js';
import { EventGenerator } from '../generator.js';
import { appendAll, BENCH_T0, BENCH_WS, heapAfterGc, openEngineBench } from '../workloads/engine-setup.js';

const MIB = 2 ** 20;
const total = Number(process.argv[2] ?? 1_000_000);
const every = Number(process.env.BENCH_PROBE_EVERY ?? 200_000);

function rssSplit(): { anon: number; file: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
  return { anon: kb('RssAnon'), file: kb('RssFile') + kb('RssShmem') };
}

if (process.env.BENCH_HEAP_GROWING) setFlagsFromString(`--heap-growing-percent=${process.env.BENCH_HEAP_GROWING}`);
const clock = new FakeClock(BENCH_T0);
const bench = await openEngineBench({ clock, cacheCapacity: 100_000 });
const gen = new EventGenerator({ seed: 3, profiles: 1_000_000, workspaceId: BENCH_WS });
let time = BENCH_T0;
const started = performance.now();
for (let done = 0; done < total; ) {
  const events = [];
  for (let i = 0; i < 5000; i++) events.push(gen.next((time += 0.2) | 0));
  clock.advanceTo(time);
  await appendAll(bench.store, events);
  bench.engine.wake();
  await bench.engine.idle();
  done += events.length;
  if (done % every === 0) {
    const heap = heapAfterGc() / MIB;
    const mem = bench.engine.memory();
    const rss = rssSplit();
    const v8 = getHeapStatistics();
    const native = rss.anon - v8.total_physical_size / MIB;
    const cache = (bench.engine as unknown as { cache: { values(): IterableIterator<ProfileEntry> } }).cache;
    const entries = [...cache.values()];
    let kept = 0;
    for (const e of entries) for (const [, list] of e.state.events) kept += list.length;
    entries.sort((a, b) => entryBytes(b) - entryBytes(a));
    const top = entries
      .slice(0, 3)
      .map((e) => `${e.state.profileId} ${Math.round(entryBytes(e) / 1024)} KiB [${[...e.state.events].map(([n, l]) => `${n}:${l.length}`).join(' ')}]`)
      .join('; ');
    console.log(
      `${done} events, ${Math.round((performance.now() - started) / 1000)} s, ${(process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6).toFixed(1)} CPU-s: heap after GC ${Math.round(heap)} MiB, estimate ${Math.round(mem.bytes / MIB)} MiB (${mem.profiles} profiles, ${kept} kept events), RSS anon ${Math.round(rss.anon)} file ${Math.round(rss.file)} MiB; V8 heap physical ${Math.round(v8.total_physical_size / MIB)} MiB, so ${Math.round(native)} MiB anon outside the V8 heap (SQLite caches, malloc, code)\n  top: ${top}`,
    );
  }
}
await bench.dispose();
