/**
 * @module
 * Workflows: N people enter a 5-step workflow (wait 1h → if → webhook → wait 1h → webhook) at the same instant;
 * then the fake clock moves to the end of the first wait, so N waits end in the same second. Measures runs advanced
 * per second (entries, then the timer storm), the lateness of the waits (wall time from the instant to the commit
 * of the batch that advanced each run), and the cost of an active run (heap: the runtime keeps no per-run memory;
 * store: bytes per run of the SQLite file). Actions go to ports that only count them: the network is not measured.
 * Under load, trust the CPU rows (CPU-milliseconds of this process per 1,000 runs advanced, `process.cpuUsage`)
 * over the wall-clock rows: the storm is one thread's work, and on a shared machine its wall time is mostly
 * waiting for a core. `--quick` runs 10,000 people, the full run 100,000 (the figure).
 */
import { loadavg } from 'node:os';
import { FakeClock, type NewEvent } from '../../src/core/index.js';
import { WorkflowRuntime, WorkflowService, type ActionPorts } from '../../src/workflows/index.js';
import type { Workload } from '../workload.js';
import { appendAll, BENCH_T0, BENCH_WS, heapAfterGc, openEngineBench, quantile } from './engine-setup.js';

const HOUR = 3_600_000;

/** Runs advanced per second, lateness p99 of N simultaneous waits, memory per active run. */
export const workflowsBench: Workload = {
  name: 'workflows',
  description: 'N people in a 5-step workflow: runs advanced/s, lateness p99 of N waits ending in the same second, memory per run',
  async run({ quick }) {
    const n = quick ? 10_000 : 100_000;
    const clock = new FakeClock(BENCH_T0);
    const bench = await openEngineBench({ clock, segments: false });
    let sent = 0;
    const ports: ActionPorts = {
      webhook: () => {
        sent += 1;
        return Promise.resolve({ ok: true });
      },
      setTraits: () => Promise.resolve({ ok: true }),
    };
    try {
      // Lateness of each wait: wall time from the storm's start (the instant, on the fake clock) to the commit of
      // the timer batch that advanced its run.
      let stormStart = 0;
      const lateness: number[] = [];
      const onTimerBatch = ({ timers }: { timers: number }): void => {
        const at = performance.now() - stormStart;
        for (let i = 0; i < timers; i++) lateness.push(at);
      };
      const runtime = new WorkflowRuntime({ store: bench.store, changeLog: bench.changeLog, clock, segments: bench.service, ports, batchSize: 2000, sender: { batchSize: 2000 }, onTimerBatch });
      const service = new WorkflowService({ store: bench.store, clock, segments: bench.service });
      const saved = await service.save(BENCH_WS, {
        name: 'bench',
        trigger: { event: 'Signed Up' },
        steps: [
          { id: 'w1', wait: '1h' },
          { id: 'check', if: 'performed("Email Opened", within 1d)', then: [{ id: 'a', webhook: 'x' }], else: [{ id: 'b', webhook: 'x' }] },
          { id: 'w2', wait: '1h' },
          { id: 'c', webhook: 'x' },
        ],
      });
      if (!saved.ok) throw new Error(JSON.stringify(saved.error));
      await runtime.start();
      await runtime.stop();
      const events: NewEvent[] = [];
      for (let i = 0; i < n; i++) {
        const id = `prof_wf_${i}`;
        events.push({ workspaceId: BENCH_WS, messageId: `wf_${i}`, profileId: id, type: 'track', name: 'Signed Up', userId: null, anonymousId: id, timestamp: BENCH_T0, receivedAt: BENCH_T0, properties: {}, traits: {}, context: {} });
      }
      await appendAll(bench.store, events);
      const dbBytes = async (): Promise<number> =>
        Number((await bench.store.sql.query<{ n: unknown }>('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()'))[0]?.n ?? NaN);
      await bench.store.sql.script('PRAGMA wal_checkpoint(TRUNCATE)');
      const sizeBefore = await dbBytes();
      const heapBefore = heapAfterGc();
      let started = performance.now();
      let cpu = process.cpuUsage();
      let entered = 0;
      for (;;) {
        const pass = await runtime.pass();
        entered += pass.started;
        if (pass.events === 0) break;
      }
      const entrySeconds = (performance.now() - started) / 1000;
      const entryCpu = process.cpuUsage(cpu);
      const heapPerRun = (heapAfterGc() - heapBefore) / n;
      await bench.store.sql.script('PRAGMA wal_checkpoint(TRUNCATE)');
      const storePerRun = ((await dbBytes()) - sizeBefore) / n;
      clock.advanceTo(BENCH_T0 + HOUR);
      let advanced = 0;
      const sentBefore = sent;
      stormStart = started = performance.now();
      cpu = process.cpuUsage();
      // As the runtime's own loop runs it: each batch's calls overlap the next batch.
      for (;;) {
        const pass = await runtime.pass({ overlap: true });
        advanced += pass.advanced;
        if (pass.timers === 0 && pass.sent === 0 && (await runtime.drain()) === 0) break;
      }
      const stormSeconds = (performance.now() - started) / 1000;
      const stormCpu = process.cpuUsage(cpu);
      const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
      const note = `${n.toLocaleString('en-US')} runs, SQLite, batches of 2000; ${(sent - sentBefore).toLocaleString('en-US')} webhooks to counting ports in the storm; load ${loadavg()[0]?.toFixed(1) ?? '?'}`;
      return [
        { workload: 'workflows', metric: 'runs started/s (entry + first step)', value: entered / entrySeconds, unit: 'runs/s', target: '', note },
        { workload: 'workflows', metric: 'runs advanced/s (N waits due at once)', value: advanced / stormSeconds, unit: 'runs/s', target: '', note },
        { workload: 'workflows', metric: 'CPU per 1k runs started (entry + first step)', value: cpuMs(entryCpu) / (entered / 1000), unit: 'CPU-ms', target: '', note: 'process.cpuUsage of the bench process: the figure to trust under load' },
        { workload: 'workflows', metric: 'CPU per 1k runs advanced (storm, webhooks included)', value: cpuMs(stormCpu) / (advanced / 1000), unit: 'CPU-ms', target: '', note: 'process.cpuUsage of the bench process: the figure to trust under load' },
        { workload: 'workflows', metric: 'lateness p99 of N waits ending in the same second', value: quantile(lateness, 0.99) / 1000, unit: 's', target: '≤ 1 (DESIGN §7 timers)', met: quantile(lateness, 0.99) <= 1000, note },
        { workload: 'workflows', metric: 'memory per active run: heap', value: heapPerRun, unit: 'B', target: '', note: 'heap + array buffers after a full GC, before and after N runs entered: the runtime keeps no per-run state in memory' },
        { workload: 'workflows', metric: 'memory per active run: store', value: storePerRun, unit: 'B', target: '', note: 'SQLite file growth: run row, guard row, timer, path entries' },
      ];
    } finally {
      await bench.dispose();
    }
  },
};
