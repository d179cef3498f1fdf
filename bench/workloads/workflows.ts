/**
 * @module
 * Workflows: N people enter a 5-step workflow (wait 1h → if → webhook → wait 1h → webhook) at the same instant;
 * then the fake clock moves to the end of the first wait, so N waits end in the same second. Measures runs advanced
 * per second (entries, then the timer storm), the lateness of the waits (wall time from the instant to the commit
 * of the batch that advanced each run), and the cost of an active run (heap: the runtime keeps no per-run memory;
 * store: bytes per run of the SQLite file). Actions go to ports that only count them: the network is not measured.
 */
import { FakeClock, type NewEvent } from '../../src/core/index.js';
import { WorkflowRuntime, WorkflowService, type ActionPorts } from '../../src/workflows/index.js';
import type { Workload } from '../workload.js';
import { appendAll, BENCH_T0, BENCH_WS, openEngineBench, quantile } from './engine-setup.js';

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
      const runtime = new WorkflowRuntime({ store: bench.store, changeLog: bench.changeLog, clock, segments: bench.service, ports, batchSize: 2000, sender: { batchSize: 2000 } });
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
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let started = performance.now();
      let entered = 0;
      for (;;) {
        const pass = await runtime.pass();
        entered += pass.started;
        if (pass.events === 0) break;
      }
      const entrySeconds = (performance.now() - started) / 1000;
      global.gc?.();
      const heapPerRun = (process.memoryUsage().heapUsed - heapBefore) / n;
      await bench.store.sql.script('PRAGMA wal_checkpoint(TRUNCATE)');
      const storePerRun = ((await dbBytes()) - sizeBefore) / n;
      clock.advanceTo(BENCH_T0 + HOUR);
      const lateness: number[] = [];
      let advanced = 0;
      started = performance.now();
      for (;;) {
        const pass = await runtime.pass();
        const at = performance.now() - started;
        for (let i = 0; i < pass.timers; i++) lateness.push(at);
        advanced += pass.advanced;
        if (pass.timers === 0 && pass.sent === 0) break;
      }
      const stormSeconds = (performance.now() - started) / 1000;
      const note = `${n.toLocaleString('en-US')} runs, SQLite, batches of 2000; ${sent.toLocaleString('en-US')} webhooks to counting ports`;
      return [
        { workload: 'workflows', metric: 'runs started/s (entry + first step)', value: entered / entrySeconds, unit: 'runs/s', target: '', note },
        { workload: 'workflows', metric: 'runs advanced/s (N waits due at once)', value: advanced / stormSeconds, unit: 'runs/s', target: '', note },
        { workload: 'workflows', metric: 'lateness p99 of N waits ending in the same second', value: quantile(lateness, 0.99) / 1000, unit: 's', target: '≤ 1 (DESIGN §7 timers)', met: quantile(lateness, 0.99) <= 1000, note },
        { workload: 'workflows', metric: 'heap per active run', value: heapPerRun, unit: 'B', target: '', note: 'the runtime keeps no per-run state in memory; run with node --expose-gc for a clean figure' },
        { workload: 'workflows', metric: 'store per active run', value: storePerRun, unit: 'B', target: '', note: 'SQLite file growth: run row, guard row, timer, path entries' },
      ];
    } finally {
      await bench.dispose();
    }
  },
};
