import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/index.js';
import { createTestSqliteStore } from '../../store/testing/index.js';
import { defaultFeatureEvents } from '../features/feature-set.js';
import type { ProfileFeatures } from '../features/profile-features.js';
import { importOnlineRetail } from '../testing/online-retail-store.js';
import { loadProfileFeatures } from './load-profiles.js';
import { trainModel } from './train-model.js';

const DAY = 86_400_000;
const CUTOFF = Date.UTC(2011, 2, 31);

let store: Store;
let workspaceId: string;
let profiles: Map<string, ProfileFeatures>;

beforeAll(async () => {
  store = await createTestSqliteStore();
  ({ workspaceId } = await importOnlineRetail(store));
  profiles = await loadProfileFeatures(store.events, workspaceId, defaultFeatureEvents());
}, 300_000);

afterAll(async () => {
  await store.close();
});

describe('predictions on the Online Retail data (cut-off 2011-03-31, 90-day horizon)', () => {
  it('trains a purchase model whose AUC on April–June beats the RFM baseline', () => {
    const result = trainModel(profiles, { name: 'purchase', kind: 'purchase', purchaseEvent: 'Order Completed', horizonMs: 90 * DAY, asOf: CUTOFF, version: 1, now: 0 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { evaluation, validationCutoff, trainCutoff } = result.model;
    expect([validationCutoff, trainCutoff]).toEqual([CUTOFF, CUTOFF - 90 * DAY]);
    expect(evaluation.model.auc).toBeGreaterThan(evaluation.baseline.auc);
    expect(evaluation.beatsBaseline).toBe(true);
  });

  it('computes the same features as of the cut-off from a store that holds no event after it (no leakage)', async () => {
    const early = await createTestSqliteStore();
    try {
      await early.workspaces.ensureDefault(0);
      const all = await store.events.readLog(0, 1_000_000);
      // The later store holds the same events up to the cut-off, with the same profile ids, and nothing after.
      for (let i = 0; i < all.length; i += 1000) {
        await early.events.append(all.slice(i, i + 1000).filter((e) => e.timestamp <= CUTOFF));
      }
      const truncated = await loadProfileFeatures(early.events, workspaceId, defaultFeatureEvents());
      let compared = 0;
      for (const [id, features] of profiles) {
        if (features.firstSeenAt(CUTOFF) === undefined) continue;
        expect(Array.from(truncated.get(id)?.featuresAt(CUTOFF) ?? [])).toEqual(Array.from(features.featuresAt(CUTOFF)));
        compared++;
      }
      expect(compared).toBeGreaterThan(1000);
    } finally {
      await early.close();
    }
  }, 120_000);

  it('trains churn and value models and evaluates each beside the baseline', () => {
    for (const kind of ['churn', 'value'] as const) {
      const result = trainModel(profiles, { name: kind, kind, purchaseEvent: 'Order Completed', horizonMs: 90 * DAY, asOf: CUTOFF, version: 1, now: 0 });
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(Number.isFinite(result.model.evaluation.model.auc) && Number.isFinite(result.model.evaluation.baseline.auc)).toBe(true);
      if (kind === 'value') {
        // Whether BG/NBD beats the naive repeat rate on one month of history is for the bench to show; the flag
        // must agree with the figures either way.
        const mae = result.model.evaluation.ordersMae;
        expect(Number.isFinite(mae?.model) && Number.isFinite(mae?.baseline)).toBe(true);
        const better = result.model.evaluation.model.auc > result.model.evaluation.baseline.auc && (mae?.model ?? 0) < (mae?.baseline ?? 0);
        expect(result.model.evaluation.beatsBaseline).toBe(better);
      }
    }
  });
});
