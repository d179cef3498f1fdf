import { createHash } from 'node:crypto';
import { FEATURE_NAMES, FEATURE_SET_VERSION } from '../features/feature-set.js';
import type { ProfileFeatures } from '../features/profile-features.js';
import { auc, metricsOf } from '../evaluation/metrics.js';
import { RfmBaseline } from '../evaluation/rfm-baseline.js';
import { type Candidate, type Evaluation, type ModelKind, type Predictor, rfmSummaryAt, scoreProfile, type TrainedModel, type ValuePredictor } from '../model-spec.js';
import { conditionalExpectedPurchases, fitBgNbd } from '../models/bg-nbd.js';
import { fitGammaGamma } from '../models/gamma-gamma.js';
import { fitGradientBoostedTrees, predictTrees } from '../models/gradient-boosted-trees.js';
import { fitLogistic, predictLogistic } from '../models/logistic-regression.js';

const DAY = 86_400_000;
const RECENCY = FEATURE_NAMES.indexOf('recency_days');
const FREQUENCY = FEATURE_NAMES.indexOf('frequency');

/** What to train (the CLI's `segflow predict train` arguments). */
export interface TrainRequest {
  readonly name: string;
  readonly kind: ModelKind;
  readonly purchaseEvent: string;
  readonly horizonMs: number;
  /**
   * The validation cut-off: the model is evaluated on labels in (asOf, asOf + horizon] and trained one horizon
   * earlier, on labels in (asOf − horizon, asOf]. Default: the latest instant whose horizon the data covers.
   */
  readonly asOf?: number;
  readonly version: number;
  readonly now: number;
}

/** A labelled set as of one cut-off. */
interface Dataset {
  readonly ids: string[];
  readonly rows: Float64Array[];
  readonly labels: number[];
}

/** Why training could not run (an expected failure: too little data, not a bug). */
export type TrainResult = { readonly ok: true; readonly model: TrainedModel & { readonly evaluation: Evaluation } } | { readonly ok: false; readonly reason: string };

/**
 * Rows as of `cutoff`: purchase — everyone seen by then, label 1 when they order in the horizon after;
 * churn — everyone who had ordered by then, label 1 when they do not order in the horizon; value — buyers, label
 * 1 when they order again (the value model's ranking is evaluated on it).
 */
export function datasetAt(profiles: ReadonlyMap<string, ProfileFeatures>, kind: ModelKind, cutoff: number, horizonMs: number): Dataset {
  const out: Dataset = { ids: [], rows: [], labels: [] };
  for (const [id, f] of profiles) {
    if (f.firstSeenAt(cutoff) === undefined) continue;
    const x = f.featuresAt(cutoff);
    if (kind !== 'purchase' && x[0] === 0) continue;
    const ordered = f.ordersIn(cutoff, cutoff + horizonMs) > 0 ? 1 : 0;
    out.ids.push(id);
    out.rows.push(x);
    out.labels.push(kind === 'churn' ? 1 - ordered : ordered);
  }
  return out;
}

/** A stable 80/20 split of training rows by profile id (the inner validation for early stopping and model choice). */
const innerValidation = (id: string): boolean => (createHash('sha1').update(id).digest()[0] as number) < 52;

function lastEventTime(profiles: ReadonlyMap<string, ProfileFeatures>): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const f of profiles.values()) {
    const t = f.lastActivity();
    if (t !== undefined && t > last) last = t;
  }
  return last;
}

/**
 * Trains one model on a time split and evaluates it honestly: features as of the training cut-off, labels in
 * the horizon after it; the figures are computed on the later validation cut-off (asOf), beside the RFM
 * baseline fitted on the same training rows. Purchase and churn try gradient-boosted trees and logistic
 * regression and keep the better by AUC on an inner 20% of the training profiles; value fits BG/NBD and, when
 * its premise holds, Gamma-Gamma. The evaluated model is the one that scores (it is not refitted afterwards).
 */
export function trainModel(profiles: ReadonlyMap<string, ProfileFeatures>, request: TrainRequest): TrainResult {
  const { kind, horizonMs } = request;
  const validationCutoff = request.asOf ?? lastEventTime(profiles) - horizonMs;
  const trainCutoff = validationCutoff - horizonMs;
  const train = datasetAt(profiles, kind, trainCutoff, horizonMs);
  const valid = datasetAt(profiles, kind, validationCutoff, horizonMs);
  const classes = (labels: number[]): number => new Set(labels).size;
  if (train.rows.length < 50 || classes(train.labels) < 2) {
    return { ok: false, reason: `too little data at the training cut-off ${new Date(trainCutoff).toISOString()}: ${train.rows.length} profiles (need 50 with both outcomes)` };
  }
  if (valid.rows.length < 20 || classes(valid.labels) < 2) {
    return { ok: false, reason: `too little data at the validation cut-off ${new Date(validationCutoff).toISOString()}: ${valid.rows.length} profiles with both outcomes needed` };
  }
  const rfm = (rows: Float64Array[]): { recency: number; frequency: number }[] => rows.map((x) => ({ recency: x[RECENCY] as number, frequency: x[FREQUENCY] as number }));
  const baseline = RfmBaseline.fit(rfm(train.rows), train.labels);
  const baselineScores = rfm(valid.rows).map((r) => baseline.predict(r.recency, r.frequency));

  let predictor: Predictor;
  const candidates: Candidate[] = [];
  let ordersMae: Evaluation['ordersMae'];
  if (kind === 'value') {
    const summaries = train.ids.map((id) => rfmSummaryAt(profiles.get(id) as ProfileFeatures, trainCutoff)).filter((s) => s !== undefined);
    const bg = fitBgNbd(summaries);
    const gg = fitGammaGamma(summaries.filter((s) => s.x > 0).map((s) => ({ x: s.x, m: s.m })));
    const value: ValuePredictor = gg.ok ? { type: 'bgnbd', bgnbd: bg.params, gammaGamma: gg.params } : { type: 'bgnbd', bgnbd: bg.params, spendRefusal: gg.reason };
    predictor = value;
    candidates.push({ type: bg.converged ? 'bgnbd' : 'bgnbd (optimiser did not converge)', innerAuc: Number.NaN });
    let maeModel = 0;
    let maeBase = 0;
    for (let i = 0; i < valid.ids.length; i++) {
      const f = profiles.get(valid.ids[i] as string) as ProfileFeatures;
      const s = rfmSummaryAt(f, validationCutoff);
      if (s === undefined) continue;
      const actual = f.ordersIn(validationCutoff, validationCutoff + horizonMs);
      maeModel += Math.abs(conditionalExpectedPurchases(bg.params, s, horizonMs / DAY) - actual);
      // Baseline: the repeat rate so far (age floored at a week, so a first-week buyer is not extrapolated wildly).
      maeBase += Math.abs((s.x / Math.max(7, s.T)) * (horizonMs / DAY) - actual);
    }
    ordersMae = { model: maeModel / valid.ids.length, baseline: maeBase / valid.ids.length };
  } else {
    const fitIdx: number[] = [];
    const innerIdx: number[] = [];
    train.ids.forEach((id, i) => (innerValidation(id) ? innerIdx : fitIdx).push(i));
    const pick = <T>(xs: T[], idx: number[]): T[] => idx.map((i) => xs[i] as T);
    const fitRows = pick(train.rows, fitIdx);
    const fitLabels = pick(train.labels, fitIdx);
    const innerRows = pick(train.rows, innerIdx);
    const innerLabels = pick(train.labels, innerIdx);
    const trees = fitGradientBoostedTrees(fitRows, fitLabels, { validation: { rows: innerRows, labels: innerLabels } });
    const logistic = fitLogistic(fitRows, fitLabels);
    const treeAuc = auc(innerRows.map((x) => predictTrees(trees, x)), innerLabels);
    const logisticAuc = auc(innerRows.map((x) => predictLogistic(logistic, x)), innerLabels);
    candidates.push({ type: `gbt (${trees.trees.length} trees)`, innerAuc: treeAuc }, { type: 'logistic', innerAuc: logisticAuc });
    predictor = !(logisticAuc > treeAuc) ? trees : logistic;
  }
  const modelScores = valid.ids.map((id) => scoreProfile({ kind, predictor, horizonMs }, profiles.get(id) as ProfileFeatures, validationCutoff) ?? 0);
  // A value model's score is not a probability: its ranking is evaluated (AUC, PR-AUC, lift), its Brier score
  // on min(1, expected orders) only as a rough reading (docs/predictions.md).
  const asProbability = kind === 'value' ? modelScores.map((s, i) => Math.min(1, conditionalExpectedFromScore(predictor, profiles.get(valid.ids[i] as string) as ProfileFeatures, validationCutoff, horizonMs) ?? s)) : modelScores;
  const modelMetrics = { ...metricsOf(asProbability, valid.labels), auc: auc(modelScores, valid.labels) };
  const baselineMetrics = metricsOf(baselineScores, valid.labels);
  const evaluation: Evaluation = {
    model: modelMetrics,
    baseline: baselineMetrics,
    beatsBaseline: modelMetrics.auc > baselineMetrics.auc && (ordersMae === undefined || ordersMae.model < ordersMae.baseline),
    ...(ordersMae === undefined ? {} : { ordersMae }),
  };
  return {
    ok: true,
    model: {
      name: request.name,
      version: request.version,
      kind,
      purchaseEvent: request.purchaseEvent,
      horizonMs,
      featureSetVersion: FEATURE_SET_VERSION,
      featureNames: FEATURE_NAMES,
      trainCutoff,
      validationCutoff,
      trainRows: train.rows.length,
      candidates,
      predictor,
      evaluation,
      createdAt: request.now,
    },
  };
}

function conditionalExpectedFromScore(p: Predictor, f: ProfileFeatures, t: number, horizonMs: number): number | undefined {
  if (p.type !== 'bgnbd') return undefined;
  const s = rfmSummaryAt(f, t);
  return s === undefined ? undefined : conditionalExpectedPurchases(p.bgnbd, s, horizonMs / DAY);
}
