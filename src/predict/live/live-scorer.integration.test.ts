import { expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import { EngineHarness, TEST_WORKSPACE } from '../../engine/testing/engine-harness.js';
import type { Store } from '../../store/index.js';
import { describeEachStore } from '../../store/testing/index.js';
import { FEATURE_NAMES, FEATURE_SET_VERSION } from '../features/feature-set.js';
import type { TrainedModel } from '../model-spec.js';
import { ModelRepoSql } from '../model-repo-sql.js';
import { ProfileScoreRepoSql } from '../scores/profile-score-repo-sql.js';
import { ScoreWriter } from '../scores/score-writer.js';
import { LiveScorer } from './live-scorer.js';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;

/** A logistic model reading one feature: σ(bias + weight · log1p(feature)). */
function oneFeatureModel(name: string, feature: string, weight: number, bias: number, version = 1): TrainedModel {
  const weights = FEATURE_NAMES.map((n) => (n === feature ? weight : 0));
  const metrics = { count: 0, positives: 0, auc: 0.5, prAuc: 0, topDecileLift: 1, brier: 0, reliability: [] };
  return {
    name,
    version,
    kind: 'purchase',
    purchaseEvent: 'Order Completed',
    horizonMs: 90 * DAY,
    featureSetVersion: FEATURE_SET_VERSION,
    featureNames: FEATURE_NAMES,
    trainCutoff: 0,
    validationCutoff: 0,
    trainRows: 0,
    candidates: [],
    predictor: { type: 'logistic', mean: weights.map(() => 0), scale: weights.map(() => 1), weights, bias },
    evaluation: { model: metrics, baseline: metrics, beatsBaseline: false },
    createdAt: 0,
  };
}

async function setup(store: Store, model: TrainedModel, fullIntervalMs = 0) {
  const clock = new FakeClock(T0);
  const h = new EngineHarness(store, clock);
  await h.start();
  await new ModelRepoSql(store.sql).save(TEST_WORKSPACE, model);
  const newScorer = (): LiveScorer => {
    const writer = new ScoreWriter(store, clock);
    writer.onCommitted(() => h.engine.wake());
    return new LiveScorer({ store, clock, writer, fullIntervalMs, tailIntervalMs: 0, onError: (e) => { throw e; } });
  };
  let scorer = newScorer();
  await scorer.start();
  const settle = async (): Promise<void> => {
    await scorer.idle();
    await h.engine.idle();
  };
  return {
    h,
    clock,
    settle,
    scorer: () => scorer,
    async order(profileId: string): Promise<void> {
      await h.submit(profileId, 'Order Completed', { properties: { revenue: 10 } });
      scorer.wake();
      await settle();
    },
    async restart(): Promise<void> {
      await scorer.stop();
      await h.restart();
      scorer = newScorer();
      await scorer.start();
      await settle();
    },
  };
}

/** The score the one-feature buyer model gives after n orders, as stored (6 decimals). */
const buyerScore = (n: number): number => Math.round((1 / (1 + Math.exp(-(4 * Math.log1p(n) - 3.5)))) * 1e6) / 1e6;

const scoreEvents = async (store: Store): Promise<number> => (await store.events.readLog(0, 100_000)).filter((e) => e.type === 'score').length;

describeEachStore('live scoring', (getStore) => {
  it('rescores a profile when its events change, and memberships on score() follow', async () => {
    const s = await setup(getStore(), oneFeatureModel('buyer', 'frequency', 4, -3.5));
    await s.h.segment('likely buyers', 'score("buyer") >= 0.5');
    await s.order('p1');
    const repo = new ProfileScoreRepoSql(getStore().sql);
    expect((await repo.forProfile(TEST_WORKSPACE, 'p1')).map((x) => [x.value, x.version])).toEqual([[buyerScore(1), '1']]);
    expect(await s.h.members('likely buyers')).toEqual([]);
    s.clock.advance(1000);
    await s.order('p1');
    expect((await repo.forProfile(TEST_WORKSPACE, 'p1')).map((x) => x.value)).toEqual([buyerScore(2)]);
    expect(await s.h.members('likely buyers')).toEqual(['p1']);
    const [entered] = await s.h.changes();
    expect([entered?.kind, entered?.at, entered?.cause.kind]).toEqual(['entered', T0 + 1000, 'event']);
    await s.scorer().stop();
    await s.h.engine.stop();
  });

  it('keeps scores and memberships across a restart without rescoring what did not change', async () => {
    const s = await setup(getStore(), oneFeatureModel('buyer', 'frequency', 4, -3.5));
    await s.h.segment('likely buyers', 'score("buyer") >= 0.5');
    await s.order('p1');
    await s.order('p1');
    const before = await scoreEvents(getStore());
    await s.restart();
    expect(await s.h.members('likely buyers')).toEqual(['p1']);
    expect(await scoreEvents(getStore())).toBe(before);
    await s.order('p2');
    expect((await new ProfileScoreRepoSql(getStore().sql).forProfile(TEST_WORKSPACE, 'p2')).map((x) => x.value)).toEqual([buyerScore(1)]);
    await s.scorer().stop();
    await s.h.engine.stop();
  });

  it('rescores everyone daily for the passage of time, so a recency score decays and the member exits', async () => {
    const s = await setup(getStore(), oneFeatureModel('recent', 'recency_days', -2, 2), DAY);
    await s.h.segment('recent buyers', 'score("recent") >= 0.5');
    await s.order('p1');
    expect(await s.h.members('recent buyers')).toEqual(['p1']);
    s.clock.advance(DAY);
    await s.settle();
    expect(await s.h.members('recent buyers')).toEqual(['p1']);
    s.clock.advance(DAY);
    await s.settle();
    expect(await s.h.members('recent buyers')).toEqual([]);
    const exited = (await s.h.changes()).at(-1);
    expect([exited?.kind, exited?.at]).toEqual(['exited', T0 + 2 * DAY]);
    await s.scorer().stop();
    await s.h.engine.stop();
  });

  it('scores everyone with a model version trained while it runs', async () => {
    const s = await setup(getStore(), oneFeatureModel('buyer', 'frequency', 4, -3.5));
    await s.order('p1');
    await new ModelRepoSql(getStore().sql).save(TEST_WORKSPACE, oneFeatureModel('buyer', 'frequency', 4, -1, 2));
    await s.scorer().scoreNewModels();
    await s.settle();
    const stored = await new ProfileScoreRepoSql(getStore().sql).forProfile(TEST_WORKSPACE, 'p1');
    expect(stored.map((x) => [x.version, x.value])).toEqual([['2', Math.round((1 / (1 + Math.exp(-(4 * Math.log(2) - 1)))) * 1e6) / 1e6]]);
    await s.scorer().stop();
    await s.h.engine.stop();
  });

  it('writes a value model\'s expected revenue with its expected orders and probability of being active', async () => {
    const base = oneFeatureModel('clv', 'frequency', 0, 0);
    const value: TrainedModel = {
      ...base,
      kind: 'value',
      predictor: { type: 'bgnbd', bgnbd: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 }, gammaGamma: { p: 6.25, q: 3.74, v: 15.45 } },
    };
    const s = await setup(getStore(), value);
    await s.order('p1');
    s.clock.advance(3 * DAY);
    await s.order('p1');
    const stored = await new ProfileScoreRepoSql(getStore().sql).forProfile(TEST_WORKSPACE, 'p1');
    const byName = Object.fromEntries(stored.map((x) => [x.model, x.value]));
    expect(Object.keys(byName)).toEqual(['clv', 'clv.alive', 'clv.orders']);
    expect(byName['clv.alive']).toBeGreaterThan(0);
    expect(byName['clv.alive']).toBeLessThanOrEqual(1);
    expect(byName['clv.orders']).toBeGreaterThan(0);
    expect(byName['clv']).toBeGreaterThan(byName['clv.orders'] as number);
    await s.scorer().stop();
    await s.h.engine.stop();
  });

  it('writes nothing while standing by, and catches up from its cursor once active', async () => {
    const store = getStore();
    const clock = new FakeClock(T0);
    const h = new EngineHarness(store, clock);
    await h.start();
    await new ModelRepoSql(store.sql).save(TEST_WORKSPACE, oneFeatureModel('buyer', 'frequency', 4, -3.5));
    let active = false;
    const writer = new ScoreWriter(store, clock);
    const scorer = new LiveScorer({ store, clock, writer, fullIntervalMs: 0, tailIntervalMs: 0, isActive: () => active });
    await scorer.start();
    await h.submit('p1', 'Order Completed', { properties: { revenue: 10 } });
    scorer.wake();
    await scorer.idle();
    expect(await scoreEvents(store)).toBe(0);
    active = true;
    scorer.wake();
    await scorer.idle();
    expect((await new ProfileScoreRepoSql(store.sql).forProfile(TEST_WORKSPACE, 'p1')).map((x) => x.value)).toEqual([buyerScore(1)]);
    await scorer.stop();
    await h.engine.stop();
  });
});
