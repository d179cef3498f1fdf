/**
 * @module
 * Timer storm: N profiles each open an email at the same instant, so `performed("Email Opened", within 30s)`
 * has N timers due in the same millisecond, while P other timers are pending (1M; 100k with --quick), due over
 * the next 30 days. The fake clock is moved to that instant and the wall time until every exit is committed is
 * measured; lateness is the wall time from the instant to each change's commit.
 *
 * The pending timers are written to the timer table directly, as the engine would have armed them for P profiles
 * in `performed("Email Opened", within 30d)` (routing 1M events through the engine would add minutes of set-up to
 * a figure they do not change): they weigh on the timer table's indexes and on every horizon read, which is what
 * "pending" costs; none falls due during the storm.
 *
 * `BENCH_STORM_PROFILE=FILE` writes a CPU profile of the storm alone (not the set-up) to FILE.
 */
import { FakeClock } from '../../src/core/index.js';
import type { NewEvent } from '../../src/core/index.js';
import { startCpuProfile } from '../support/cpu-profiler.js';
import type { Workload } from '../workload.js';
import { TimerRepoSql } from '../../src/engine/index.js';
import type { TimerSetWrite } from '../../src/engine/index.js';
import { appendAll, BENCH_T0, BENCH_WS, openEngineBench, quantile } from './engine-setup.js';

const DAY = 86_400_000;

/** Time to fire N simultaneous timers and their lateness. */
export const engineTimerStorm: Workload = {
  name: 'engine-timer-storm',
  description: 'N timers due in the same second: time to fire all, lateness p99',
  async run({ quick }) {
    const n = quick ? 20_000 : 100_000;
    const pending = Number(process.env.BENCH_PENDING ?? (quick ? 100_000 : 1_000_000));
    const clock = new FakeClock(BENCH_T0);
    const bench = await openEngineBench({ clock, segments: false });
    try {
      const created = await bench.service.create(BENCH_WS, { name: 'opened_30s', rule: 'performed("Email Opened", within 30s)' });
      if (!created.ok) throw new Error('segment');
      const monthly = await bench.service.create(BENCH_WS, { name: 'opened_30d', rule: 'performed("Email Opened", within 30d)' });
      if (!monthly.ok) throw new Error('segment');
      for (let from = 0; from < pending; from += 10_000) {
        const writes: TimerSetWrite[] = [];
        for (let i = from; i < Math.min(pending, from + 10_000); i++) {
          // Due from one hour after the storm to 30 days later, spread evenly.
          const dueAt = BENCH_T0 + 3_600_000 + Math.floor((i / pending) * 30 * DAY);
          writes.push({ workspaceId: BENCH_WS, segmentId: monthly.value.id, profileId: `prof_pending_${i}`, dueAt });
        }
        await bench.store.transaction((tx) => new TimerRepoSql(tx.sql).setMany(writes));
      }
      const pendingCount = await new TimerRepoSql(bench.store.sql).count();
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
      // The set-up's writes are checkpointed into the database file now, not by a commit during the storm.
      await bench.store.sql.query('PRAGMA wal_checkpoint(TRUNCATE)');
      const lateness: number[] = [];
      let seen = entered;
      let start = 0;
      const unsubscribe = bench.changeLog.onAppended((last) => {
        const at = performance.now() - start;
        for (let s = seen; s < last; s++) lateness.push(at);
        seen = last;
      });
      const stopProfile = await startCpuProfile('BENCH_STORM_PROFILE');
      const cpuBefore = process.cpuUsage();
      start = performance.now();
      clock.advanceTo(BENCH_T0 + 30_000);
      bench.engine.wake();
      await bench.engine.idle();
      const total = performance.now() - start;
      const cpu = process.cpuUsage(cpuBefore);
      await stopProfile();
      // CPU time (user + system) of this process over the storm: on a loaded machine wall time includes waiting for
      // a core; CPU time is what the storm costs, and what its wall time would be on an idle core.
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      unsubscribe();
      const fired = seen - entered;
      const p99 = quantile(lateness, 0.99);
      const note = `${n.toLocaleString('en-US')} timers due in the same ms (${fired.toLocaleString('en-US')} exits recorded) with ${pendingCount.toLocaleString('en-US')} timers pending, SQLite; lateness = wall time from the instant to the change's commit`;
      return [
        { workload: 'engine-timer-storm', metric: 'time to fire all', value: total / 1000, unit: 's', target: '≤ 10 (100k)', met: total <= 10_000, note },
        { workload: 'engine-timer-storm', metric: 'lateness p99', value: p99 / 1000, unit: 's', target: '≤ 1', met: p99 <= 1000, note },
        {
          workload: 'engine-timer-storm',
          metric: 'CPU time to fire all',
          value: cpuSeconds,
          unit: 's',
          target: '',
          note: `user + system CPU of the process over the storm (${((cpuSeconds / Math.max(1, fired)) * 1e6).toFixed(1)} µs per timer); wall time minus this is time spent waiting for a core or the disk`,
        },
      ];
    } finally {
      await bench.dispose();
    }
  },
};
