/**
 * @module
 * Ingest + evaluation throughput: generated events appended to the log in batches and processed by the engine
 * with the 20 benchmark segments, measured end to end in wall time and in CPU time; then the engine's memory per
 * profile. Full mode: 1M profiles, 400,000 events. Quick mode: 20,000 profiles and 40,000 events unless
 * `BENCH_PROFILES` / `BENCH_EVENTS` say otherwise (`BENCH_PROFILES=1000000` is the full run's population).
 * `BENCH_THROUGHPUT_PROFILE=FILE` writes a CPU profile of the measured loop to FILE.
 */
import { FakeClock } from '../../src/core/index.js';
import { EventGenerator } from '../generator.js';
import { startCpuProfile } from '../support/cpu-profiler.js';
import type { BenchRow, Workload } from '../workload.js';
import { appendAll, BENCH_T0, BENCH_WS, heapAfterGc, openEngineBench } from './engine-setup.js';

/** Events/s ingested and evaluated, and memory per profile. */
export const engineThroughput: Workload = {
  name: 'engine-throughput',
  description: 'events/s appended and evaluated against 20 live segments; memory per profile',
  async run({ quick }) {
    const profiles = quick ? Number(process.env.BENCH_PROFILES ?? 20_000) : 1_000_000;
    const total = quick ? Number(process.env.BENCH_EVENTS ?? 40_000) : 400_000;
    const clock = new FakeClock(BENCH_T0);
    const bench = await openEngineBench({ clock });
    try {
      const gen = new EventGenerator({ seed: 1, profiles, workspaceId: BENCH_WS });
      const chunk = 5000;
      let time = BENCH_T0;
      const stopProfile = await startCpuProfile('BENCH_THROUGHPUT_PROFILE');
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let done = 0; done < total; done += chunk) {
        const events = [];
        for (let i = 0; i < chunk; i++) {
          time += 3000; // 400k events span ~14 simulated days
          events.push(gen.next(time));
        }
        clock.advanceTo(time);
        await appendAll(bench.store, events);
        bench.engine.wake();
        await bench.engine.idle();
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      await stopProfile();
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      const rate = total / seconds;
      const mem = bench.engine.memory();
      const changes = await bench.changeLog.head();
      // Heap per profile: the heap after a forced GC with the profile cache held, minus the same once the engine
      // has dropped it (reloading the rules clears the cache and the timer heap), over the profiles it held.
      const held = heapAfterGc();
      await bench.engine.exclusive(() => bench.engine.loadRules());
      const dropped = heapAfterGc();
      const perProfile = (held - dropped) / Math.max(1, mem.profiles);
      const rows: BenchRow[] = [
        {
          workload: 'engine-throughput',
          metric: 'events/s ingested + evaluated',
          value: rate,
          unit: 'events/s',
          target: '≥ 20,000',
          met: rate >= 20_000,
          note: `${total.toLocaleString('en-US')} events, ${profiles.toLocaleString('en-US')} profiles (Zipf), 20 segments, SQLite, ${changes.toLocaleString('en-US')} changes; events appended straight to the store (no HTTP), engine woken per 5,000`,
        },
        {
          workload: 'engine-throughput',
          metric: 'events per CPU-second',
          value: total / cpuSeconds,
          unit: 'events/s',
          target: '',
          note: `${cpuSeconds.toFixed(1)} s of user + system CPU of the process (appending and evaluating) for ${total.toLocaleString('en-US')} events: what the wall rate would be on one idle core`,
        },
        {
          workload: 'engine-throughput',
          metric: 'state per profile (estimated)',
          value: mem.bytes / Math.max(1, mem.profiles),
          unit: 'bytes',
          target: '≤ 1,024',
          met: mem.bytes / Math.max(1, mem.profiles) <= 1024,
          note: `${mem.profiles.toLocaleString('en-US')} profiles in cache; the running estimate the byte-bounded cache uses`,
        },
        {
          workload: 'engine-throughput',
          metric: 'heap per profile (after forced GC)',
          value: perProfile,
          unit: 'bytes',
          target: '≤ 1,024',
          met: perProfile <= 1024,
          note: `(heapUsed + arrayBuffers) with the cache held minus after the engine dropped it, both after a forced GC, over ${mem.profiles.toLocaleString('en-US')} profiles`,
        },
      ];
      return rows;
    } finally {
      await bench.dispose();
    }
  },
};
