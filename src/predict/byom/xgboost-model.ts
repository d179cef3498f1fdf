import { mapFeatures } from './feature-mapping.js';

/** One XGBoost tree as in its JSON format: node i splits on column `split[i]` at `threshold[i]` (float32). */
export interface XgbTree {
  readonly split: readonly number[];
  readonly threshold: readonly number[];
  readonly left: readonly number[];
  readonly right: readonly number[];
  readonly defaultLeft: readonly boolean[];
}

/** An imported XGBoost `binary:logistic` model, its columns mapped onto segflow's feature vector. */
export interface XgboostPredictor {
  readonly type: 'xgboost';
  readonly featureNames: readonly string[];
  /** For each model column, its index in segflow's feature vector. */
  readonly featureIndex: readonly number[];
  readonly baseMargin: number;
  readonly trees: readonly XgbTree[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);

/** XGBoost writes `base_score` as `"5E-1"` (1.x, 2.x) or `"[5E-1]"` (3.x). */
const parseBaseScore = (v: unknown): number => Number(String(v ?? '0.5').replace(/^\[|\]$/g, ''));

/**
 * Reads an XGBoost JSON model (`booster.save_model("m.json")`) and checks it before use: objective
 * `binary:logistic`, numeric splits only, and input columns named after segflow features — from the model's own
 * `feature_names` (train on a DMatrix with `feature_names=`) or from `featureNames`, which must then match the
 * model's column count.
 */
export function importXgboost(text: string, featureNames?: readonly string[]): { ok: true; predictor: XgboostPredictor } | { ok: false; problems: string[] } {
  let root: Json;
  try {
    root = obj(JSON.parse(text));
  } catch {
    return { ok: false, problems: ['not JSON: save the model with booster.save_model("model.json")'] };
  }
  const learner = obj(root['learner']);
  const objective = String(obj(learner['objective'])['name'] ?? '');
  const problems: string[] = [];
  if (objective !== 'binary:logistic') problems.push(`objective "${objective}" is not supported (only binary:logistic)`);
  const params = obj(learner['learner_model_param']);
  const columns = Number(params['num_feature']);
  const own = Array.isArray(learner['feature_names']) ? (learner['feature_names'] as unknown[]).map(String) : [];
  const names = featureNames ?? own;
  if (featureNames !== undefined && own.length > 0 && own.join(',') !== featureNames.join(',')) {
    problems.push(`--features (${featureNames.join(',')}) differ from the model's own feature names (${own.join(',')})`);
  }
  if (names.length !== columns) problems.push(`the model has ${columns} input columns but ${names.length} feature names were given`);
  const types = Array.isArray(learner['feature_types']) ? (learner['feature_types'] as unknown[]).map(String) : [];
  types.forEach((t, i) => {
    if (!['float', 'q', 'int', 'i'].includes(t)) problems.push(`input column ${names[i] ?? i} has type "${t}": only numeric columns are supported`);
  });
  const mapping = mapFeatures(names);
  if (!mapping.ok) problems.push(...mapping.problems);
  const trees: XgbTree[] = [];
  for (const raw of (obj(obj(learner['gradient_booster'])['model'])['trees'] as unknown[] | undefined) ?? []) {
    const t = obj(raw);
    if (nums(t['split_type']).some((s) => s !== 0)) problems.push('categorical splits are not supported');
    trees.push({
      split: nums(t['split_indices']),
      threshold: nums(t['split_conditions']).map(Math.fround),
      left: nums(t['left_children']),
      right: nums(t['right_children']),
      defaultLeft: nums(t['default_left']).map((d) => d === 1),
    });
  }
  if (trees.length === 0) problems.push('the model has no trees');
  if (problems.length > 0 || !mapping.ok) return { ok: false, problems };
  const p = parseBaseScore(params['base_score']);
  return { ok: true, predictor: { type: 'xgboost', featureNames: names, featureIndex: mapping.index, baseMargin: Math.log(p / (1 - p)), trees } };
}

/**
 * The probability for one segflow feature vector, as XGBoost computes it: the value is compared as float32
 * (`x < threshold` goes left), a missing value (NaN) follows the node's default direction, leaf values (stored
 * in `split_conditions` of leaves) add to the base margin.
 */
export function predictXgboost(model: XgboostPredictor, x: ArrayLike<number>): number {
  let margin = model.baseMargin;
  for (const tree of model.trees) {
    let node = 0;
    while ((tree.left[node] as number) !== -1) {
      const v = x[model.featureIndex[tree.split[node] as number] as number] as number;
      const goLeft = Number.isNaN(v) ? (tree.defaultLeft[node] as boolean) : Math.fround(v) < (tree.threshold[node] as number);
      node = goLeft ? (tree.left[node] as number) : (tree.right[node] as number);
    }
    margin += tree.threshold[node] as number;
  }
  return 1 / (1 + Math.exp(-margin));
}
