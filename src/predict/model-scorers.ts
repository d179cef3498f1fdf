import { OnnxScorer } from './byom/onnx-model.js';
import type { ProfileFeatures } from './features/profile-features.js';
import { scoreProfile, type TrainedModel } from './model-spec.js';

/**
 * Scores many profiles with any model, keeping one loaded ONNX session per model version (ONNX runs rows in
 * one batch and asynchronously; the other predictors are plain functions).
 */
export class ModelScorers {
  private readonly sessions = new Map<string, Promise<OnnxScorer>>();

  /** The scores as of t, in the order of `profiles` (undefined where the model says nothing, e.g. not seen yet). */
  async score(model: TrainedModel, profiles: readonly ProfileFeatures[], t: number): Promise<(number | undefined)[]> {
    const p = model.predictor;
    if (p.type !== 'onnx') return profiles.map((f) => scoreProfile(model, f, t));
    const key = `${model.name}/${model.version}`;
    let session = this.sessions.get(key);
    if (session === undefined) this.sessions.set(key, (session = OnnxScorer.load(p)));
    const rows = profiles.map((f) => (f.firstSeenAt(t) === undefined ? undefined : f.featuresAt(t)));
    const present = rows.filter((x) => x !== undefined && !(model.kind === 'churn' && x[0] === 0)) as Float64Array[];
    const scores = await (await session).score(present);
    let k = 0;
    return rows.map((x) => (x === undefined || (model.kind === 'churn' && x[0] === 0) ? undefined : scores[k++]));
  }

  /** Releases the ONNX sessions. */
  async release(): Promise<void> {
    for (const s of this.sessions.values()) await (await s).release();
    this.sessions.clear();
  }
}
