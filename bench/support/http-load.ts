import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

/** What one load phase measured. */
export interface LoadResult {
  readonly requests: number;
  readonly events: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
  readonly failures: number;
}

/**
 * Sends requests from `concurrency` loops until `seconds` have passed; every request carries `eventsPer` events.
 * `targets` are server URLs; loop `k` sends to `targets[k % targets.length]` (several servers on one database).
 */
export async function load(
  targets: string | readonly string[],
  path: string,
  auth: string,
  body: (i: number) => string,
  eventsPer: number,
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  const urls = (typeof targets === 'string' ? [targets] : targets).map((u) => new URL(path, u));
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  let requests = 0;
  let failures = 0;
  let counter = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const send = (target: URL, payload: string): Promise<number> =>
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
  const loop = async (_: unknown, k: number): Promise<void> => {
    const target = urls[k % urls.length]!;
    while (performance.now() < deadline) {
      const payload = body(counter++);
      const t0 = performance.now();
      const status = await send(target, payload);
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
 * With `thread`, the CPU of that one thread (`/proc/<pid>/task/<tid>/stat`; a process's main thread has
 * tid = pid).
 */
export function cpuSecondsOf(pid: number | undefined, thread?: number): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
    // Fields after the parenthesised command name: state is [0], utime [11], stime [12], in clock ticks (USER_HZ, 100 on Linux).
    const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** The bench's track message `j` of request `i`: 50,000 distinct users, two event names, a product id. */
export const trackMessage = (i: number, j: number): Record<string, unknown> => ({
  type: 'track',
  messageId: `bench-${i}-${j}`,
  userId: `user-${(i * 100 + j) % 50_000}`,
  event: j % 3 === 0 ? 'Product Added' : 'Product Viewed',
  properties: { product_id: `p-${(i + j) % 1000}`, price: 19.99 },
  timestamp: new Date().toISOString(),
});

/** A `/v1/batch` body of 100 track messages for request `i`. */
export const batchBody = (i: number): string => JSON.stringify({ batch: Array.from({ length: 100 }, (_, j) => trackMessage(i, j)) });

/** The Basic authorization header for a write key. */
export const writeKeyAuth = (writeKey: string): string => `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
