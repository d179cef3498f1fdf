import { cpuSecondsOf, load, trackMessage, writeKeyAuth } from '../support/http-load.js';
import { quantile } from '../support/stats.js';
import { startServerProcess } from '../support/server-process.js';
import type { BenchRow, Workload } from '../workload.js';

/** HTTP ingestion on embedded SQLite: batched throughput and acknowledgement latency, and single messages. */
export const ingestHttp: Workload = {
  name: 'ingest-http',
  description: 'HTTP ingestion into a segflow child process on embedded SQLite (batches of 100, then single /v1/track)',
  async run({ quick }) {
    const server = await startServerProcess();
    const auth = writeKeyAuth(server.writeKey);
    const seconds = quick ? 5 : 20;
    try {
      // Warm-up (JIT, SQLite page cache).
      await load(server.url, '/v1/batch', auth, (i) => JSON.stringify({ batch: Array.from({ length: 100 }, (_, j) => trackMessage(-1 - i, j)) }), 100, 8, 2);
      const pid = server.child.pid;
      const cpuBefore = cpuSecondsOf(pid);
      const mainBefore = cpuSecondsOf(pid, pid);
      const batched = await load(
        server.url,
        '/v1/batch',
        auth,
        (i) => JSON.stringify({ batch: Array.from({ length: 100 }, (_, j) => trackMessage(i, j)) }),
        100,
        16,
        seconds,
      );
      const cpuAfter = cpuSecondsOf(pid);
      const mainAfter = cpuSecondsOf(pid, pid);
      const single = await load(server.url, '/v1/track', auth, (i) => JSON.stringify(trackMessage(1_000_000 + i, 0)), 1, 32, quick ? 3 : 10);
      const batchedRate = batched.events / batched.seconds;
      const p99 = quantile(batched.latenciesMs, 0.99);
      const note = `16 concurrent clients, keep-alive, client in the same 2-core machine; ${batched.failures} non-200`;
      const rows: BenchRow[] = [
        { workload: 'ingest-http', metric: 'batched events/s (batch of 100)', value: batchedRate, unit: 'events/s', target: '≥ 50,000', met: batchedRate >= 50_000, note },
        ...(cpuBefore !== undefined && cpuAfter !== undefined && cpuAfter > cpuBefore
          ? [
              {
                workload: 'ingest-http',
                metric: 'batched events per server CPU-second',
                value: batched.events / (cpuAfter - cpuBefore),
                unit: 'events/CPU-s',
                target: '',
                note: `server process CPU (user + system) during the batched phase: ${(cpuAfter - cpuBefore).toFixed(2)} s of ${batched.seconds.toFixed(1)} s`,
              },
            ]
          : []),
        ...(mainBefore !== undefined && mainAfter !== undefined && cpuAfter !== undefined && cpuBefore !== undefined && mainAfter > mainBefore
          ? [
              {
                workload: 'ingest-http',
                metric: 'batched events per HTTP-thread CPU-second',
                value: batched.events / (mainAfter - mainBefore),
                unit: 'events/CPU-s',
                target: '',
                note: `the server's main (HTTP) thread: ${(mainAfter - mainBefore).toFixed(2)} CPU-s, ${((100 * (mainAfter - mainBefore)) / (cpuAfter - cpuBefore)).toFixed(0)} % of the process (the rest: the SQLite writer thread, GC, libuv); the most events/s the HTTP thread allows with a core of its own`,
              },
            ]
          : []),
        { workload: 'ingest-http', metric: 'batch ack latency p50', value: quantile(batched.latenciesMs, 0.5), unit: 'ms', target: '', note: '' },
        { workload: 'ingest-http', metric: 'batch ack latency p99', value: p99, unit: 'ms', target: '≤ 20', met: p99 <= 20, note: '' },
        { workload: 'ingest-http', metric: 'single messages/s (/v1/track)', value: single.events / single.seconds, unit: 'messages/s', target: '', note: `32 concurrent clients; ${single.failures} non-200` },
        { workload: 'ingest-http', metric: 'single message ack p99', value: quantile(single.latenciesMs, 0.99), unit: 'ms', target: '', note: '' },
      ];
      return rows;
    } finally {
      await server.stop();
    }
  },
};
