import { describe, expect, it } from 'vitest';
import { QueueFullError, WriteQueue } from './write-queue.js';

/** A write function whose calls complete only when the test says so. */
function controlledWriter() {
  const calls: Array<{ jobs: readonly number[]; finish: () => void; fail: (e: Error) => void }> = [];
  const write = (jobs: readonly number[]) =>
    new Promise<number[]>((resolve, reject) => {
      calls.push({ jobs, finish: () => resolve(jobs.map((j) => j * 10)), fail: reject });
    });
  return { calls, write };
}

/** Lets the queue run: it yields to I/O (setImmediate) before each group. */
const flush = async () => {
  for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('WriteQueue', () => {
  it('coalesces jobs submitted while a group is being written into the next group', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, { maxQueued: 100, maxGroup: 100 });
    const first = queue.submit(1, 1);
    await flush();
    const rest = [queue.submit(2, 1), queue.submit(3, 1), queue.submit(4, 1)];
    expect(calls.map((c) => c.jobs)).toEqual([[1]]);
    calls[0]!.finish();
    await flush();
    expect(calls.map((c) => c.jobs)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.finish();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
  });

  it('refuses a job when the queue is over its bound and accepts again after draining', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, { maxQueued: 10, maxGroup: 100 });
    const a = queue.submit(1, 8);
    expect(() => queue.submit(2, 5)).toThrow(QueueFullError);
    expect(queue.depth).toBe(8);
    await flush();
    calls[0]!.finish();
    await a;
    expect(queue.depth).toBe(0);
    const b = queue.submit(3, 5);
    await flush();
    calls[1]!.finish();
    expect(await b).toBe(30);
  });

  it('always admits one job into an empty queue even when it exceeds the bound', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, { maxQueued: 10, maxGroup: 10 });
    const big = queue.submit(7, 50);
    await flush();
    calls[0]!.finish();
    expect(await big).toBe(70);
  });

  it('caps a group at maxGroup units', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, { maxQueued: 100, maxGroup: 5 });
    const jobs = [queue.submit(1, 3), queue.submit(2, 3), queue.submit(3, 2)];
    await flush();
    expect(calls[0]!.jobs).toEqual([1]);
    calls[0]!.finish();
    await flush();
    expect(calls[1]!.jobs).toEqual([2, 3]);
    calls[1]!.finish();
    await Promise.all(jobs);
  });

  it('retries each job of a failed group alone so one bad job fails only itself', async () => {
    let attempt = 0;
    const queue = new WriteQueue<number, number>(
      async (jobs) => {
        attempt += 1;
        if (jobs.includes(2)) throw new Error(`bad job in attempt ${attempt}`);
        return jobs.map((j) => j * 10);
      },
      { maxQueued: 100, maxGroup: 100 },
    );
    const results = await Promise.allSettled([queue.submit(1, 1), queue.submit(2, 1), queue.submit(3, 1)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('with concurrency 2 writes the next group while the first is still committing, and no more than two at once', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, { maxQueued: 100, maxGroup: 100, concurrency: 2 });
    const first = queue.submit(1, 1);
    await flush();
    const second = [queue.submit(2, 1), queue.submit(3, 1)];
    await flush();
    // the second group did not wait for the first one's commit, and took both jobs that arrived meanwhile
    expect(calls.map((c) => c.jobs)).toEqual([[1], [2, 3]]);
    const third = queue.submit(4, 1);
    await flush();
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    await flush();
    expect(calls.map((c) => c.jobs)).toEqual([[1], [2, 3], [4]]);
    calls[2]!.finish();
    calls[0]!.finish();
    expect(await Promise.all([first, ...second, third])).toEqual([10, 20, 30, 40]);
    await queue.drain();
    expect(queue.depth).toBe(0);
  });

  it('drain waits for every group in flight, not only the first loop', async () => {
    const { calls, write } = controlledWriter();
    const queue = new WriteQueue(write, { maxQueued: 100, maxGroup: 100, concurrency: 2 });
    void queue.submit(1, 1);
    await flush();
    void queue.submit(2, 1);
    await flush();
    let drained = false;
    const draining = queue.drain().then(() => (drained = true));
    calls[0]!.finish();
    await flush();
    expect(drained).toBe(false);
    calls[1]!.finish();
    await draining;
    expect(drained).toBe(true);
  });
});
