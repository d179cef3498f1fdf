import { expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { EngineSegmentService } from '../../engine/index.js';
import { EngineHarness, TEST_WORKSPACE } from '../../engine/testing/engine-harness.js';
import { describeEachStore } from '../../store/testing/index.js';
import { assignArm } from './assign-arm.js';
import { SqlExperimentService } from './experiment-service.js';
import { ExperimentWorker } from './experiment-worker.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 4, 4, 8);
const WS = TEST_WORKSPACE;

const definition = {
  name: 'views',
  control: 'one',
  salt: 'worker-salt',
  arms: [
    { name: 'one', rule: 'performed("Product Viewed", within 1d)', weight: 1 },
    { name: 'two', rule: 'count("Product Viewed", within 1d) >= 2', weight: 1 },
  ],
  metrics: [{ kind: 'revenue', name: 'revenue', event: '"Order Completed"', property: 'revenue', window: '7d' }],
};

/** The first ids assigned to each arm under the definition's salt. */
function peopleOf(arm: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i += 1) if (assignArm([1, 1], 'worker-salt', `u${i}`) === arm) out.push(`u${i}`);
  return out;
}

describeEachStore('the experiment worker', (getStore) => {
  const setup = async () => {
    const clock = new FakeClock(T0);
    const h = new EngineHarness(getStore(), clock);
    await h.start();
    const segments = new EngineSegmentService(getStore(), h.engine, h.changeLog);
    const experiments = new SqlExperimentService(getStore(), segments, clock);
    expect((await experiments.create(WS, definition)).ok).toBe(true);
    const worker = (): ExperimentWorker => new ExperimentWorker({ store: getStore(), changeLog: h.changeLog, segments, clock });
    return { h, experiments, worker };
  };

  it('exposes a person only through their own arm, and counts a purchase stored before the exposure was recorded', async () => {
    const { h, experiments, worker } = await setup();
    const [a] = peopleOf(0, 1);
    const [b] = peopleOf(1, 1);
    // b enters arm one's segment (one view) but is assigned to arm two: no exposure until two views
    await h.submit(a!, 'Product Viewed');
    await h.submit(b!, 'Product Viewed');
    await h.advance(HOUR);
    // a buys before the worker has seen a's exposure: the exposure-time scan must find it
    await h.submit(a!, 'Order Completed', { properties: { revenue: 30 } });
    expect(await worker().tick()).toEqual({ exposures: 1, conversions: 1 });
    await h.submit(b!, 'Product Viewed');
    await h.advance(60_000);
    await h.submit(b!, 'Order Completed', { properties: { revenue: '12.5' } });
    expect(await worker().tick()).toEqual({ exposures: 1, conversions: 1 });
    const report = await experiments.report(WS, 'views');
    if (!report.ok) throw new Error('expected a report');
    expect(report.value.analysis.arms.map((x) => [x.arm, x.n, x.metrics.revenue!.mean])).toEqual([
      ['one', 1, 30],
      ['two', 1, 12.5],
    ]);
    await h.engine.stop();
  });

  it('counts nothing twice when the logs are read again from the start (a crash before the cursors moved)', async () => {
    const { h, experiments, worker } = await setup();
    const [a] = peopleOf(0, 1);
    await h.submit(a!, 'Product Viewed');
    await h.advance(HOUR);
    await h.submit(a!, 'Order Completed', { properties: { revenue: 10 } });
    expect(await worker().tick()).toEqual({ exposures: 1, conversions: 1 });
    await getStore().sql.execute('UPDATE experiment_cursors SET seq = 0');
    expect(await worker().tick()).toEqual({ exposures: 0, conversions: 0 });
    const report = await experiments.report(WS, 'views');
    if (!report.ok) throw new Error('expected a report');
    expect(report.value.analysis.arms[0]?.metrics.revenue?.mean).toBe(10);
    await h.engine.stop();
  });
});
