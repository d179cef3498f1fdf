/**
 * @module
 * Outbound webhooks: deliveries per second from the membership change log to a local receiver (real HTTP on
 * 127.0.0.1, signed, through the SSRF guard with 127.0.0.1 allow-listed), and the latency from a membership
 * change's commit to its receipt, p50/p99, on embedded SQLite with the worker on the system clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/index.js';
import { DeliveryHarness } from '../../src/destinations/testing/index.js';
import { openSqliteStore } from '../../src/store/index.js';
import { quantile } from '../support/stats.js';
import type { BenchRow, Workload } from '../workload.js';

/** The destinations workload. */
export const destinations: Workload = {
  name: 'destinations',
  description: 'signed webhook deliveries/s to a loopback receiver and change → receipt latency',
  async run({ quick }) {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-dest-'));
    const store = await openSqliteStore({ file: join(dir, 'bench.db') });
    const h = await DeliveryHarness.create(store, { clock: systemClock, worker: { concurrency: 16 } });
    try {
      const segment = h.segments.add(h.workspaceId, 'Bench segment');
      await h.destination({ segments: [segment.id] });
      h.worker.start();

      // Throughput: a backlog of N changes over 500 profiles (so per-profile order limits nothing but itself).
      const n = quick ? 1_000 : 5_000;
      const profiles = Array.from({ length: 500 }, (_, i) => `prof_bench_${i}`);
      const changes = Array.from({ length: n }, (_, i) => ({
        segmentId: segment.id,
        profileId: profiles[i % profiles.length]!,
        kind: (Math.floor(i / profiles.length) % 2 === 0 ? 'entered' : 'exited') as 'entered' | 'exited',
      }));
      const started = performance.now();
      for (let i = 0; i < changes.length; i += 500) await h.change(...changes.slice(i, i + 500));
      await h.receiver.waitForRequests(n);
      const seconds = (performance.now() - started) / 1000;

      // Latency: one change at a time, each waiting for its receipt (an unloaded pipeline).
      const samples = quick ? 100 : 300;
      const latencies: number[] = [];
      for (let i = 0; i < samples; i++) {
        const before = h.receiver.requests.length;
        const t0 = performance.now();
        await h.change({ segmentId: segment.id, profileId: `prof_latency_${i}`, kind: 'entered' });
        await h.receiver.waitForRequests(before + 1);
        latencies.push((h.receiver.requests[before]?.receivedAt ?? Number.NaN) - t0);
      }
      const note = `SQLite, 1 destination, worker concurrency 16, ${n} changes over 500 profiles; latency over ${samples} sequential changes`;
      const rows: BenchRow[] = [
        { workload: 'destinations', metric: 'deliveries/s', value: n / seconds, unit: 'deliveries/s', target: '', note },
        { workload: 'destinations', metric: 'change → receipt p50', value: quantile(latencies, 0.5), unit: 'ms', target: '' },
        { workload: 'destinations', metric: 'change → receipt p99', value: quantile(latencies, 0.99), unit: 'ms', target: '' },
      ];
      return rows;
    } finally {
      await h.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
