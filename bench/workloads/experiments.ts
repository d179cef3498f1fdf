/**
 * @module
 * Experiments: how fast the experiment worker turns membership changes into exposures and events into
 * conversions, and how long a report takes over 1M exposures. A two-arm experiment is created through the real
 * service (arm segments through the segment service); entries into both arm segments are written to the
 * change log for P people (everyone matches both rules, only the assigned arm counts), one worker tick records
 * the exposures (each with its scan of the person's stored history); then 30% of the people buy and a second
 * tick matches those events. The report figure inserts 1M exposures and 300k conversions directly and times
 * `computeReport` (two grouped SQL queries per metric plus the statistics).
 */
import { FakeClock } from '../../src/core/index.js';
import { computeReport, ExperimentRepoSql, ExperimentWorker, SqlExperimentService } from '../../src/experiments/index.js';
import { MembershipRepoSql, type MembershipWrite } from '../../src/membership/index.js';
import type { NewEvent } from '../../src/core/index.js';
import type { BenchRow, Workload } from '../workload.js';
import { appendAll, BENCH_T0, BENCH_WS, openEngineBench } from './engine-setup.js';

const HOUR = 3_600_000;

const definition = {
  name: 'bench threshold',
  control: 'short',
  arms: [
    { name: 'short', rule: '"Product Added" then not "Order Completed" within 1h', weight: 1 },
    { name: 'long', rule: '"Product Added" then not "Order Completed" within 24h', weight: 1 },
  ],
  metrics: [
    { kind: 'conversion', name: 'purchase', event: '"Order Completed"', window: '7d' },
    { kind: 'revenue', name: 'revenue', event: '"Order Completed"', property: 'revenue', window: '7d' },
  ],
};

/** Worker throughput and report time. */
export const experimentsBench: Workload = {
  name: 'experiments',
  description: 'exposures and conversions recorded per second by the experiment worker; report over 1M exposures',
  async run({ quick }) {
    const people = quick ? 10_000 : 50_000;
    const reportExposures = quick ? 200_000 : 1_000_000;
    const clock = new FakeClock(BENCH_T0);
    const bench = await openEngineBench({ clock, segments: false });
    try {
      const experiments = new SqlExperimentService(bench.store, bench.service, clock);
      const created = await experiments.create(BENCH_WS, definition);
      if (!created.ok) throw new Error(`experiment: ${JSON.stringify(created.error)}`);
      const segmentIds = await Promise.all(definition.arms.map(async (a) => (await bench.service.get(BENCH_WS, `__exp:bench threshold:${a.name}`))!.id));
      const worker = new ExperimentWorker({ store: bench.store, changeLog: bench.changeLog, segments: bench.service, clock, batchSize: 2_000 });
      await worker.tick();

      const membership = new MembershipRepoSql(bench.store.sql);
      const writes: MembershipWrite[] = [];
      for (let i = 0; i < people; i += 1) {
        segmentIds.forEach((segmentId, k) =>
          writes.push({ workspaceId: BENCH_WS, segmentId, segmentVersion: 1, profileId: `p${i}`, kind: 'entered', at: BENCH_T0 + (k + 1) * HOUR, cause: { kind: 'timer' } }),
        );
      }
      for (let i = 0; i < writes.length; i += 5_000) await membership.record(writes.slice(i, i + 5_000), BENCH_T0);
      let started = performance.now();
      const first = await worker.tick();
      const exposureSeconds = (performance.now() - started) / 1000;

      const events: NewEvent[] = [];
      for (let i = 0; i < people; i += 1) {
        if (i % 10 >= 3) continue;
        events.push({
          workspaceId: BENCH_WS,
          messageId: `order-${i}`,
          profileId: `p${i}`,
          type: 'track',
          name: 'Order Completed',
          userId: null,
          anonymousId: `p${i}`,
          timestamp: BENCH_T0 + 30 * HOUR,
          receivedAt: BENCH_T0 + 30 * HOUR,
          properties: { revenue: 20 + (i % 50) },
          traits: {},
          context: {},
        });
      }
      await appendAll(bench.store, events, 5_000);
      started = performance.now();
      const second = await worker.tick();
      const eventSeconds = (performance.now() - started) / 1000;

      // the report over many exposures, inserted directly (the worker's speed is measured above)
      const repo = new ExperimentRepoSql(bench.store.sql);
      const record = (await experiments.get(BENCH_WS, 'bench threshold'))!;
      for (let i = 0; i < reportExposures; i += 20_000) {
        const batch = Array.from({ length: Math.min(20_000, reportExposures - i) }, (_, k) => ({
          experimentId: record.id,
          profileId: `r${i + k}`,
          arm: (i + k) % 2 === 0 ? 'short' : 'long',
          exposedAt: BENCH_T0,
        }));
        await bench.store.transaction(async (tx) => {
          const txRepo = new ExperimentRepoSql(tx.sql);
          for (let j = 0; j < batch.length; j += 500) {
            const chunk = batch.slice(j, j + 500);
            await tx.sql.execute(
              `INSERT INTO experiment_exposures (experiment_id, profile_id, arm, exposed_at) VALUES ${chunk.map((_, k) => `($${k * 4 + 1}, $${k * 4 + 2}, $${k * 4 + 3}, $${k * 4 + 4})`).join(', ')}`,
              chunk.flatMap((e) => [e.experimentId, e.profileId, e.arm, e.exposedAt]),
            );
          }
          await txRepo.recordConversions(
            batch
              .filter((_, k) => (i + k) % 10 < 3)
              .flatMap((e, k) => [
                { experimentId: record.id, metric: 'purchase', eventSeq: 1e9 + i + k, profileId: e.profileId, value: 1, at: BENCH_T0 + HOUR },
                { experimentId: record.id, metric: 'revenue', eventSeq: 1e9 + i + k, profileId: e.profileId, value: 25, at: BENCH_T0 + HOUR },
              ]),
          );
        });
      }
      started = performance.now();
      const analysis = await computeReport(repo, record);
      const reportSeconds = (performance.now() - started) / 1000;
      const total = analysis.arms.reduce((s, a) => s + a.n, 0);
      return [
        {
          workload: 'experiments',
          metric: 'exposures recorded/s (change log → exposures, with history scan)',
          value: Math.round(first.exposures / exposureSeconds),
          unit: 'exposures/s',
          target: '',
          note: `${writes.length} entered changes for ${people} people (2 arm segments each), ${first.exposures} exposures, ${first.conversions} conversions from history, one worker tick, SQLite`,
        },
        {
          workload: 'experiments',
          metric: 'events matched/s (event log → conversions)',
          value: Math.round(events.length / eventSeconds),
          unit: 'events/s',
          target: '',
          note: `${events.length} purchase events, ${second.conversions} conversion rows (conversion + revenue), one worker tick, SQLite`,
        },
        {
          workload: 'experiments',
          metric: `report over ${total.toLocaleString('en-US')} exposures`,
          value: Math.round(reportSeconds * 1000),
          unit: 'ms',
          target: '',
          note: 'computeReport: per-arm counts, per-metric grouped totals per person, z/Welch tests, SRM, sequential bounds',
        },
      ] satisfies BenchRow[];
    } finally {
      await bench.dispose();
    }
  },
};
