/**
 * @module
 * Timer storm: N profiles each open an email at the same instant, so `performed("Email Opened", within 30s)`
 * has N timers due in the same millisecond. The fake clock is moved to that instant and the wall time until
 * every exit is committed is measured; lateness is the wall time from the instant to each change's commit.
 */
import { FakeClock } from '../../src/core/index.js';
import type { NewEvent } from '../../src/core/index.js';
import type { Workload } from '../workload.js';
import { appendAll, BENCH_T0, BENCH_WS, openEngineBench, quantile } from './engine-setup.js';

/** Time to fire N simultaneous timers and their lateness. */
export const engineTimerStorm: Workload = {
  name: 'engine-timer-storm',
  description: 'N timers due in the same second: time to fire all, lateness p99',
  async run({ quick }) {
    const n = quick ? 20_000 : 100_000;
    const clock = new FakeClock(BENCH_T0);
    const bench = await openEngineBench({ clock, segments: false });
    try {
      const created = await bench.service.create(BENCH_WS, { name: 'opened_30s', rule: 'performed("Email Opened", within 30s)' });
      if (!created.ok) throw new Error('segment');
      const events: NewEvent[] = [];
      for (let i = 0; i < n; i++) {
        const id = `prof_storm_${i}`;
        events.push({
          workspaceId: BENCH_WS,
          messageId: `storm_${i}`,
          profileId: id,
          type: 'track',
          name: 'Email Opened',
          userId: null,
          anonymousId: id,
          timestamp: BENCH_T0,
          receivedAt: BENCH_T0,
          properties: {},
          traits: {},
          context: {},
        });
      }
      await appendAll(bench.store, events);
      bench.engine.wake();
      await bench.engine.idle();
      const entered = await bench.changeLog.head();
      const lateness: number[] = [];
      let seen = entered;
      let start = 0;
      const unsubscribe = bench.changeLog.onAppended((last) => {
        const at = performance.now() - start;
        for (let s = seen; s < last; s++) lateness.push(at);
        seen = last;
      });
      start = performance.now();
      clock.advanceTo(BENCH_T0 + 30_000);
      bench.engine.wake();
      await bench.engine.idle();
      const total = performance.now() - start;
      unsubscribe();
      const fired = seen - entered;
      const p99 = quantile(lateness, 0.99);
      const note = `${n.toLocaleString('en-US')} timers due in the same ms (${fired.toLocaleString('en-US')} exits recorded), SQLite; lateness = wall time from the instant to the change's commit`;
      return [
        { workload: 'engine-timer-storm', metric: 'time to fire all', value: total / 1000, unit: 's', target: '≤ 10 (100k)', met: total <= 10_000, note },
        { workload: 'engine-timer-storm', metric: 'lateness p99', value: p99 / 1000, unit: 's', target: '≤ 1', met: p99 <= 1000, note },
      ];
    } finally {
      await bench.dispose();
    }
  },
};
