/**
 * @module
 * Predictions on the real Online Retail data (../shared/data): import through ingestion into a fresh SQLite
 * store, then
 * - training time of each model kind (cut-off 2011-03-31, 90-day horizon: trained on features as of 2010-12-31,
 *   evaluated on April–June), with AUC / PR-AUC / top-decile lift / Brier of the model beside the RFM baseline;
 * - scoring every profile: in memory (features + model) and the live scorer's full pass (features from the log,
 *   scores appended as `score` events);
 * - live rescoring cost per event: orders appended for random known customers, the live scorer catching up.
 */
import { FakeClock } from '../../src/core/index.js';
import {
  defaultFeatureEvents,
  LiveScorer,
  loadProfileFeatures,
  ModelRepoSql,
  scoreProfile,
  ScoreWriter,
  trainModel,
  type ModelKind,
} from '../../src/predict/index.js';
import { importOnlineRetail } from '../../src/predict/testing/online-retail-store.js';
import { createTestSqliteStore } from '../../src/store/testing/index.js';
import type { BenchRow, Workload } from '../workload.js';

const DAY = 86_400_000;
const CUTOFF = Date.UTC(2011, 2, 31);

/** Training, evaluation and scoring figures for predictions. */
export const predict: Workload = {
  name: 'predict',
  description: 'Online Retail: train purchase/churn/value (cut-off 2011-03-31, 90d), evaluation vs RFM baseline, scoring rates',
  async run({ quick }) {
    const rows: BenchRow[] = [];
    const row = (metric: string, value: number, unit: string, note = ''): void => {
      rows.push({ workload: 'predict', metric, value, unit, target: '', note });
    };
    const store = await createTestSqliteStore();
    try {
      const { workspaceId } = await importOnlineRetail(store);
      let started = performance.now();
      const profiles = await loadProfileFeatures(store.events, workspaceId, defaultFeatureEvents());
      row('features: fold the whole log', (performance.now() - started) / 1000, 's', `${profiles.size} profiles`);
      const repo = new ModelRepoSql(store.sql);
      for (const kind of ['purchase', 'churn', 'value'] as ModelKind[]) {
        started = performance.now();
        const result = trainModel(profiles, { name: kind, kind, purchaseEvent: 'Order Completed', horizonMs: 90 * DAY, asOf: CUTOFF, version: 1, now: 0 });
        const seconds = (performance.now() - started) / 1000;
        if (!result.ok) {
          row(`${kind}: training refused`, Number.NaN, '', result.reason);
          continue;
        }
        const { evaluation: e, predictor, trainRows } = result.model;
        row(`${kind}: training time`, seconds, 's', `${predictor.type}, ${trainRows} training profiles, candidates ${result.model.candidates.map((c) => c.type).join(' / ')}`);
        const flag = e.beatsBaseline ? 'beats baseline' : 'does NOT beat baseline';
        row(`${kind}: AUC model / baseline`, e.model.auc, '', `baseline ${e.baseline.auc.toFixed(3)}; ${flag}`);
        row(`${kind}: PR-AUC model / baseline`, e.model.prAuc, '', `baseline ${e.baseline.prAuc.toFixed(3)}`);
        row(`${kind}: top-decile lift model / baseline`, e.model.topDecileLift, '×', `baseline ${e.baseline.topDecileLift.toFixed(2)}`);
        row(`${kind}: Brier model / baseline`, e.model.brier, '', `baseline ${e.baseline.brier.toFixed(3)}${kind === 'value' ? ' (value: on min(1, expected orders))' : ''}`);
        if (e.ordersMae) row(`${kind}: orders MAE model / baseline`, e.ordersMae.model, 'orders', `baseline ${e.ordersMae.baseline.toFixed(3)} (repeat rate so far)`);
        if (kind === 'purchase') await repo.save(workspaceId, result.model);
      }
      const model = await repo.latest(workspaceId, 'purchase');
      if (model === undefined) return rows;

      const asOf = Date.UTC(2011, 5, 30);
      started = performance.now();
      let scored = 0;
      for (const f of profiles.values()) if (scoreProfile(model, f, asOf) !== undefined) scored++;
      row('scoring in memory (features + GBT)', scored / ((performance.now() - started) / 1000), 'profiles/s', `${scored} profiles`);

      const clock = new FakeClock(asOf);
      const writer = new ScoreWriter(store, clock);
      const scorer = new LiveScorer({ store, clock, writer, fullIntervalMs: 0, tailIntervalMs: 0 });
      started = performance.now();
      await scorer.start();
      await scorer.idle();
      const fullSeconds = (performance.now() - started) / 1000;
      row('live scorer: first full pass (log → features → score events)', profiles.size / fullSeconds, 'profiles/s', `${fullSeconds.toFixed(1)} s for ${profiles.size} profiles, scores appended as events`);

      const customers = [...profiles.keys()];
      const n = quick ? 500 : 2000;
      // Two rounds over the same customers: the first rebuilds each profile's features from its history (cold),
      // the second advances the cached state by one event (warm, the steady state of a running server).
      for (const round of ['cold: history read', 'warm: cached state'] as const) {
        const offset = round.startsWith('cold') ? 0 : n;
        const events = Array.from({ length: n }, (_, i) => ({
          workspaceId,
          messageId: `bench-order-${offset + i}`,
          profileId: customers[(i * 7919) % customers.length] as string,
          type: 'track' as const,
          name: 'Order Completed',
          userId: null,
          anonymousId: null,
          timestamp: asOf + offset + i,
          receivedAt: asOf + offset + i,
          properties: { revenue: 20 },
          traits: {},
          context: {},
        }));
        for (let i = 0; i < n; i += 500) await store.events.append(events.slice(i, i + 500));
        clock.advance(n);
        started = performance.now();
        scorer.wake();
        await scorer.idle();
        row(`live rescoring cost per event (${round})`, (performance.now() - started) / n, 'ms', `${n} orders, each rescoring its profile (features + model + score write)`);
      }
      await scorer.stop();
    } finally {
      await store.close();
    }
    return rows;
  },
};
