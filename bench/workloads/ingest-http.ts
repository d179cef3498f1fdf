import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { quantile } from '../support/stats.js';
import { startServerProcess } from '../support/server-process.js';
import type { BenchRow, Workload } from '../workload.js';

interface LoadResult {
  readonly requests: number;
  readonly events: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
  readonly failures: number;
}

/** Sends requests from `concurrency` loops until `seconds` have passed; every request carries `eventsPer` events. */
async function load(
  url: string,
  path: string,
  auth: string,
  body: (i: number) => string,
  eventsPer: number,
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(path, url);
  const latenciesMs: number[] = [];
  let requests = 0;
  let failures = 0;
  let counter = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const send = (payload: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: auth, 'content-length': Buffer.byteLength(payload) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const payload = body(counter++);
      const t0 = performance.now();
      const status = await send(payload);
      latenciesMs.push(performance.now() - t0);
      requests++;
      if (status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests, events: (requests - failures) * eventsPer, seconds: elapsed, latenciesMs, failures };
}

/**
 * CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`; undefined where there is no
 * procfs. The machine is shared, so events per server CPU-second compares runs far better than events/s.
 */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised command name: state is [0], utime [11], stime [12], in clock ticks (USER_HZ, 100 on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const trackMessage = (i: number, j: number): Record<string, unknown> => ({
  type: 'track',
  messageId: `bench-${i}-${j}`,
  userId: `user-${(i * 100 + j) % 50_000}`,
  event: j % 3 === 0 ? 'Product Added' : 'Product Viewed',
  properties: { product_id: `p-${(i + j) % 1000}`, price: 19.99 },
  timestamp: new Date().toISOString(),
});

/** HTTP ingestion on embedded SQLite: batched throughput and acknowledgement latency, and single messages. */
export const ingestHttp: Workload = {
  name: 'ingest-http',
  description: 'HTTP ingestion into a segflow child process on embedded SQLite (batches of 100, then single /v1/track)',
  async run({ quick }) {
    const server = await startServerProcess();
    const auth = `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}`;
    const seconds = quick ? 5 : 20;
    try {
      // Warm-up (JIT, SQLite page cache).
      await load(server.url, '/v1/batch', auth, (i) => JSON.stringify({ batch: Array.from({ length: 100 }, (_, j) => trackMessage(-1 - i, j)) }), 100, 8, 2);
      const cpuBefore = cpuSecondsOf(server.child.pid);
      const batched = await load(
        server.url,
        '/v1/batch',
        auth,
        (i) => JSON.stringify({ batch: Array.from({ length: 100 }, (_, j) => trackMessage(i, j)) }),
        100,
        16,
        seconds,
      );
      const cpuAfter = cpuSecondsOf(server.child.pid);
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
