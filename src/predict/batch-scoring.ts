import type { Store } from '../store/index.js';
import { defaultFeatureEvents } from './features/feature-set.js';
import { featureSetMismatch, scoreProfile, type TrainedModel } from './model-spec.js';
import { ModelRepoSql } from './model-repo-sql.js';
import { loadProfileFeatures } from './training/load-profiles.js';
import { trainModel, type TrainRequest, type TrainResult } from './training/train-model.js';

/**
 * Trains a model from the store's event log and saves it as the name's next version (nothing is saved when
 * training is refused). Works on a store without a running server, like `segflow import`.
 */
export async function trainAndSave(store: Store, workspaceId: string, request: Omit<TrainRequest, 'version'>): Promise<TrainResult> {
  const repo = new ModelRepoSql(store.sql);
  const profiles = await loadProfileFeatures(store.sql, workspaceId, defaultFeatureEvents(request.purchaseEvent));
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
  const features = await loadProfileFeatures(store.sql, workspaceId, defaultFeatureEvents(model.purchaseEvent));
  let after: string | null = null;
  for (;;) {
    const page = await store.profiles.list(workspaceId, after, 1000);
    for (const profile of page) {
      const userId = profile.identities.find((i) => i.kind === 'user_id')?.value;
      const f = features.get(profile.id);
      if (userId === undefined || profile.mergedInto !== null) continue;
      yield { userId, profileId: profile.id, score: f === undefined ? undefined : scoreProfile(model, f, asOf) };
    }
    if (page.length < 1000) break;
    after = page.at(-1)?.id ?? null;
  }
}
