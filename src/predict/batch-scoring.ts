import type { Store } from '../store/index.js';
import { defaultFeatureEvents, FEATURE_NAMES, FEATURE_SET_VERSION } from './features/feature-set.js';
import { importOnnx } from './byom/onnx-model.js';
import { importXgboost } from './byom/xgboost-model.js';
import { ProfileFeatures } from './features/profile-features.js';
import { featureSetMismatch, type TrainedModel } from './model-spec.js';
import { ModelScorers } from './model-scorers.js';
import { ModelRepoSql } from './model-repo-sql.js';
import { loadProfileFeatures } from './training/load-profiles.js';
import { trainModel, type TrainRequest, type TrainResult } from './training/train-model.js';

/**
 * Trains a model from the store's event log and saves it as the name's next version (nothing is saved when
 * training is refused). Works on a store without a running server, like `segflow import`.
 */
export async function trainAndSave(store: Store, workspaceId: string, request: Omit<TrainRequest, 'version'>): Promise<TrainResult> {
  const repo = new ModelRepoSql(store.sql);
  const profiles = await loadProfileFeatures(store.events, workspaceId, defaultFeatureEvents(request.purchaseEvent));
  const result = trainModel(profiles, { ...request, version: await repo.nextVersion(workspaceId, request.name) });
  if (result.ok) await repo.save(workspaceId, result.model);
  return result;
}

/** One person's score as `segflow predict scores` writes it (`score` undefined: the model says nothing for them). */
export interface PersonScore {
  readonly userId: string;
  readonly profileId: string;
  readonly score: number | undefined;
}

/**
 * Scores every known person (a profile with a userId) as of `asOf` with a model, from the event log: point in
 * time, so `asOf` in the past gives the scores the model would have given then. In profile-id order.
 */
export async function* scoreEveryone(store: Store, workspaceId: string, model: TrainedModel, asOf: number): AsyncGenerator<PersonScore> {
  const mismatch = featureSetMismatch(model);
  if (mismatch !== undefined) throw new Error(mismatch);
  const features = await loadProfileFeatures(store.events, workspaceId, defaultFeatureEvents(model.purchaseEvent));
  const scorers = new ModelScorers();
  const empty = new ProfileFeatures();
  try {
    let after: string | null = null;
    for (;;) {
      const page = await store.profiles.list(workspaceId, after, 1000);
      const people = page.flatMap((profile) => {
        const userId = profile.identities.find((i) => i.kind === 'user_id')?.value;
        return userId === undefined || profile.mergedInto !== null ? [] : [{ userId, profileId: profile.id }];
      });
      const scores = await scorers.score(model, people.map((p) => features.get(p.profileId) ?? empty), asOf);
      for (let i = 0; i < people.length; i++) yield { ...(people[i] as { userId: string; profileId: string }), score: scores[i] };
      if (page.length < 1000) break;
      after = page.at(-1)?.id ?? null;
    }
  } finally {
    await scorers.release();
  }
}

/** What `segflow predict import` takes: a model file trained elsewhere and the segflow features of its columns. */
export interface ImportRequest {
  readonly name: string;
  readonly format: 'onnx' | 'xgboost';
  readonly bytes: Uint8Array;
  /** The segflow feature of each input column, in order (XGBoost: default, the model's own feature names). */
  readonly featureNames?: readonly string[];
  readonly kind: 'purchase' | 'churn';
  readonly purchaseEvent: string;
  readonly horizonMs: number;
  readonly now: number;
}

/** Checks an imported model and saves it as the name's next version; the problems when it is refused. */
export async function importAndSave(store: Store, workspaceId: string, request: ImportRequest): Promise<{ ok: true; model: TrainedModel } | { ok: false; problems: readonly string[] }> {
  let predictor: TrainedModel['predictor'];
  if (request.format === 'onnx') {
    if (request.featureNames === undefined) return { ok: false, problems: ['an ONNX model needs --features: the segflow feature of each input column, in order'] };
    const imported = await importOnnx(request.bytes, request.featureNames);
    if (!imported.ok) return imported;
    predictor = imported.predictor;
  } else {
    const imported = importXgboost(Buffer.from(request.bytes).toString('utf8'), request.featureNames);
    if (!imported.ok) return imported;
    predictor = imported.predictor;
  }
  const repo = new ModelRepoSql(store.sql);
  const model: TrainedModel = {
    name: request.name,
    version: await repo.nextVersion(workspaceId, request.name),
    kind: request.kind,
    purchaseEvent: request.purchaseEvent,
    horizonMs: request.horizonMs,
    featureSetVersion: FEATURE_SET_VERSION,
    featureNames: FEATURE_NAMES,
    trainCutoff: request.now,
    validationCutoff: request.now,
    trainRows: 0,
    candidates: [{ type: `imported ${request.format}`, innerAuc: Number.NaN }],
    predictor,
    createdAt: request.now,
  };
  await repo.save(workspaceId, model);
  return { ok: true, model };
}
