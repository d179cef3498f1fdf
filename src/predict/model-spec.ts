import { assertNever } from '../core/index.js';
import type { Metrics } from './evaluation/metrics.js';
import { FEATURE_NAMES, FEATURE_SET_VERSION } from './features/feature-set.js';
import type { ProfileFeatures } from './features/profile-features.js';
import { conditionalExpectedPurchases, probabilityAlive, type BgNbdParams, type RfmSummary } from './models/bg-nbd.js';
import { conditionalExpectedSpend, type GammaGammaParams } from './models/gamma-gamma.js';
import { predictTrees, type TreeEnsemble } from './models/gradient-boosted-trees.js';
import { predictLogistic, type LogisticModel } from './models/logistic-regression.js';
import type { OnnxPredictor } from './byom/onnx-model.js';
import { predictXgboost, type XgboostPredictor } from './byom/xgboost-model.js';

/** What a model predicts. */
export type ModelKind = 'purchase' | 'churn' | 'value';

/** The BG/NBD + Gamma-Gamma value model: expected orders in the horizon, times the expected spend when fitted. */
export interface ValuePredictor {
  readonly type: 'bgnbd';
  readonly bgnbd: BgNbdParams;
  /** Absent when the Gamma-Gamma fit was refused (`spendRefusal` says why): the score is then expected orders. */
  readonly gammaGamma?: GammaGammaParams;
  readonly spendRefusal?: string;
}

/** Any predictor segflow can run on its features: trained here, or imported (ONNX, XGBoost JSON). */
export type Predictor = TreeEnsemble | LogisticModel | ValuePredictor | XgboostPredictor | OnnxPredictor;

/** One scorer's figures on the validation cut-off, the model's beside the RFM baseline's. */
export interface Evaluation {
  readonly model: Metrics;
  readonly baseline: Metrics;
  /** True when the model's AUC is above the baseline's on the same split (value models: and its orders MAE below). */
  readonly beatsBaseline: boolean;
  /** Value models: mean absolute error of expected vs actual orders, model and baseline. */
  readonly ordersMae?: { readonly model: number; readonly baseline: number };
}

/** A candidate tried in training and its AUC on the inner validation rows of the training cut-off. */
export interface Candidate {
  readonly type: string;
  readonly innerAuc: number;
}

/** A trained model as stored: what it predicts, on which features and split, its predictor and evaluation. */
export interface TrainedModel {
  readonly name: string;
  readonly version: number;
  readonly kind: ModelKind;
  readonly purchaseEvent: string;
  readonly horizonMs: number;
  readonly featureSetVersion: number;
  readonly featureNames: readonly string[];
  /** Features as of this instant, labels in the horizon after it. */
  readonly trainCutoff: number;
  /** The later cut-off the evaluation is on. */
  readonly validationCutoff: number;
  readonly trainRows: number;
  readonly candidates: readonly Candidate[];
  readonly predictor: Predictor;
  /** Absent for an imported model (it was evaluated where it was trained). */
  readonly evaluation?: Evaluation;
  readonly createdAt: number;
}

const DAY = 86_400_000;

/** A profile's BG/NBD summary in days as of t (undefined before its first order). */
export function rfmSummaryAt(features: ProfileFeatures, t: number): (RfmSummary & { m: number }) | undefined {
  const { times, values } = features.ordersUpTo(t);
  const first = times[0];
  if (first === undefined) return undefined;
  const repeat = values.slice(1);
  return {
    x: times.length - 1,
    tx: ((times.at(-1) as number) - first) / DAY,
    T: (t - first) / DAY,
    m: repeat.length > 0 ? repeat.reduce((s, v) => s + v, 0) / repeat.length : 0,
  };
}

/** Expected orders in the horizon after t under a value model (0 before the first order is not known: cold start). */
export function expectedOrders(p: ValuePredictor, features: ProfileFeatures, t: number, horizonMs: number): number | undefined {
  const s = rfmSummaryAt(features, t);
  return s === undefined ? undefined : conditionalExpectedPurchases(p.bgnbd, s, horizonMs / DAY);
}

/**
 * Refuses a model whose feature set is not the running code's: its columns would be read with other meanings.
 * Returns the reason, or undefined when compatible.
 */
export function featureSetMismatch(model: Pick<TrainedModel, 'featureSetVersion' | 'featureNames'>): string | undefined {
  if (model.featureSetVersion !== FEATURE_SET_VERSION) return `the model uses feature set v${model.featureSetVersion}; this segflow computes v${FEATURE_SET_VERSION}: retrain it`;
  if (model.featureNames.join(',') !== FEATURE_NAMES.join(',')) return 'the model was trained on other feature names: retrain it';
  return undefined;
}

/**
 * The score of one profile as of t: a probability for purchase / churn models, expected revenue (or expected
 * orders when no spend model) for value models. Undefined when the model has nothing to say (a value model
 * before a first order, a churn model for someone who never bought).
 */
export function scoreProfile(model: Pick<TrainedModel, 'kind' | 'predictor' | 'horizonMs'>, features: ProfileFeatures, t: number): number | undefined {
  const p = model.predictor;
  switch (p.type) {
    case 'gbt':
    case 'logistic':
    case 'xgboost': {
      const x = features.featuresAt(t);
      if (model.kind === 'churn' && x[0] === 0) return undefined;
      if (features.firstSeenAt(t) === undefined) return undefined;
      return p.type === 'gbt' ? predictTrees(p, x) : p.type === 'logistic' ? predictLogistic(p, x) : predictXgboost(p, x);
    }
    case 'onnx':
      throw new Error('an ONNX model scores rows in batches: use ModelScorers');
    case 'bgnbd': {
      const s = rfmSummaryAt(features, t);
      if (s === undefined) return undefined;
      const orders = conditionalExpectedPurchases(p.bgnbd, s, model.horizonMs / DAY);
      return p.gammaGamma === undefined ? orders : orders * conditionalExpectedSpend(p.gammaGamma, s);
    }
    default:
      return assertNever(p);
  }
}

/**
 * The companion scores a model writes beside its main one, by suffix: a value model also writes `NAME.orders`
 * (expected purchases in the horizon) and `NAME.alive` (the probability the customer is still active). Other
 * models have none.
 */
export function companionScores(model: Pick<TrainedModel, 'predictor' | 'horizonMs'>, features: ProfileFeatures, t: number): Record<string, number> {
  const p = model.predictor;
  if (p.type !== 'bgnbd') return {};
  const s = rfmSummaryAt(features, t);
  if (s === undefined) return {};
  return { orders: conditionalExpectedPurchases(p.bgnbd, s, model.horizonMs / DAY), alive: probabilityAlive(p.bgnbd, s) };
}
