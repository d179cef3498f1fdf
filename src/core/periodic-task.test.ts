import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.js';
import { PeriodicTask } from './periodic-task.js';

const T0 = Date.UTC(2026, 0, 1);

/** A run that records the instants it started at and can be held open or made to fail. */
function recorder(clock: FakeClock) {
  const starts: number[] = [];
  const errors: unknown[] = [];
  let gate: { promise: Promise<void>; open: () => void } | undefined;
  let failNext = 0;
  return {
    starts,
    errors,
    run: async (): Promise<number> => {
      starts.push(clock.now());
      if (gate) await gate.promise;
      if (failNext > 0) {
        failNext--;
        throw new Error(`run ${starts.length} failed`);
      }
      return starts.length;
    },
    onError: (e: unknown) => errors.push(e),
    hold(): () => void {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gate = { promise, open };
      return () => {
        gate = undefined;
        open();
      };
    },
    fail(n: number): void {
      failNext = n;
    },
  };
}

describe('PeriodicTask', () => {
  it('runs first one interval after start, then one interval after each run ends, at the instants of the clock', async () => {
    const clock = new FakeClock(T0);
    const r = recorder(clock);
    const task = new PeriodicTask(clock, 1_000, r.run, r.onError);
    task.start();
    clock.advance(999);
    await task.drain();
    expect(r.starts).toEqual([]);
    clock.advance(1);
    await task.drain();
    expect(r.starts).toEqual([T0 + 1_000]);
    clock.advance(1_000);
    await task.drain();
    clock.advance(1_000);
    await task.drain();
    expect(r.starts).toEqual([T0 + 1_000, T0 + 2_000, T0 + 3_000]);
    expect(r.errors).toEqual([]);
    await task.stop();
  });

  it('starting twice arms one ticker, not two', async () => {
    const clock = new FakeClock(T0);
    const r = recorder(clock);
    const task = new PeriodicTask(clock, 1_000, r.run, r.onError);
    task.start();
    task.start();
    expect(clock.pendingCount).toBe(1);
    clock.advance(1_000);
    await task.drain();
    expect(r.starts).toHaveLength(1);
    expect(clock.pendingCount).toBe(1);
    await task.stop();
  });

  it('reports a failed run to onError and keeps ticking: the next interval runs again', async () => {
    const clock = new FakeClock(T0);
    const r = recorder(clock);
    const task = new PeriodicTask(clock, 1_000, r.run, r.onError);
    task.start();
    r.fail(1);
    clock.advance(1_000);
    await task.drain();
    expect(r.errors).toHaveLength(1);
    expect(String(r.errors[0])).toContain('run 1 failed');
    clock.advance(1_000);
    await task.drain();
    expect(r.starts).toEqual([T0 + 1_000, T0 + 2_000]);
    expect(r.errors).toHaveLength(1);
    await task.stop();
  });

  it('keeps ticking when the run throws synchronously and when onError itself throws', async () => {
    const clock = new FakeClock(T0);
    let runs = 0;
    const task = new PeriodicTask(
      clock,
      1_000,
      () => {
        runs++;
        throw new Error('sync');
      },
      () => {
        throw new Error('the error hook failed too');
      },
    );
    task.start();
    clock.advance(1_000);
    await task.drain();
    clock.advance(1_000);
    await task.drain();
    expect(runs).toBe(2);
    expect(clock.pendingCount).toBe(1);
    await task.stop();
  });

  it('never overlaps runs: a slow run delays the next tick until one interval after it ends', async () => {
    const clock = new FakeClock(T0);
    const r = recorder(clock);
    const task = new PeriodicTask(clock, 1_000, r.run, r.onError);
    task.start();
    const release = r.hold();
    clock.advance(1_000);
    // The run is held open for 5 intervals: no second run starts, no timer is armed meanwhile.
    clock.advance(5_000);
    expect(r.starts).toEqual([T0 + 1_000]);
    expect(clock.pendingCount).toBe(0);
    release();
    await task.drain();
    expect(clock.pendingCount).toBe(1);
    clock.advance(999);
    await task.drain();
    expect(r.starts).toHaveLength(1);
    clock.advance(1);
    await task.drain();
    expect(r.starts).toEqual([T0 + 1_000, T0 + 7_000]);
    await task.stop();
  });

  it('runNow queues behind a run in progress, returns its result and rejects to its caller without calling onError', async () => {
    const clock = new FakeClock(T0);
    const r = recorder(clock);
    const task = new PeriodicTask(clock, 1_000, r.run, r.onError);
    const release = r.hold();
    const first = task.runNow();
    const second = task.runNow();
    await Promise.resolve();
    expect(r.starts).toHaveLength(1);
    expect(task.isRunning).toBe(true);
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(2);
    r.fail(1);
    await expect(task.runNow()).rejects.toThrow('run 3 failed');
    expect(r.errors).toEqual([]);
    expect(task.isRunning).toBe(false);
  });

  it('a tick falling due during runNow waits for it, then runs', async () => {
    const clock = new FakeClock(T0);
    const r = recorder(clock);
    const task = new PeriodicTask(clock, 1_000, r.run, r.onError);
    task.start();
    const release = r.hold();
    const manual = task.runNow();
    clock.advance(1_000);
    await Promise.resolve();
    expect(r.starts).toEqual([T0]);
    release();
    await manual;
    await task.drain();
    expect(r.starts).toEqual([T0, T0 + 1_000]);
    expect(clock.pendingCount).toBe(1);
    await task.stop();
  });

  it('stop cancels the next tick and waits for the run in progress; start resumes', async () => {
    const clock = new FakeClock(T0);
    const r = recorder(clock);
    const task = new PeriodicTask(clock, 1_000, r.run, r.onError);
    task.start();
    const release = r.hold();
    clock.advance(1_000);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
    expect(clock.pendingCount).toBe(0);
    clock.advance(10_000);
    await task.drain();
    expect(r.starts).toEqual([T0 + 1_000]);
    task.start();
    expect(task.isStarted).toBe(true);
    clock.advance(1_000);
    await task.drain();
    expect(r.starts).toEqual([T0 + 1_000, T0 + 12_000]);
    await task.stop();
  });

  it('refuses an interval that is not a positive number', () => {
    const clock = new FakeClock(T0);
    expect(() => new PeriodicTask(clock, 0, () => undefined, () => undefined)).toThrow(RangeError);
    expect(() => new PeriodicTask(clock, Number.NaN, () => undefined, () => undefined)).toThrow(RangeError);
  });
});
