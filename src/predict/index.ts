/**
 * @module
 * Predictions: point-in-time features computed from the event log, models trained on a time split with an
 * honest evaluation against an RFM baseline, and scores. A score is a system `score` event that only
 * {@link ScoreWriter} appends (ingestion never accepts it), mirrored as the latest value per profile × model in
 * `profile_scores`; rules read it with `score("NAME")` and the engine treats a score change as a cause like any
 * event. See docs/predictions.md.
 */
export type { ProfileScore } from './scores/profile-score-repo-sql.js';
export { ProfileScoreRepoSql } from './scores/profile-score-repo-sql.js';
export type { ScoreWrite } from './scores/score-event.js';
export { SCORE_NAME_PATTERN, scoreEventOf } from './scores/score-event.js';
export type { ProfileResolver, SetScoreFailure, SetScoreResult } from './scores/score-service.js';
export { EXTERNAL_VERSION, ScoreService } from './scores/score-service.js';
export type { ScoreWriteOptions, ScoreWriteReport } from './scores/score-writer.js';
export { ScoreWriter } from './scores/score-writer.js';
export type { FeatureEvents } from './features/feature-set.js';
export { defaultFeatureEvents, FEATURE_NAMES, FEATURE_SET_VERSION, FEATURE_WINDOWS_DAYS } from './features/feature-set.js';
export { ProfileFeatures } from './features/profile-features.js';
export type { PersonScore } from './batch-scoring.js';
export { scoreEveryone, trainAndSave } from './batch-scoring.js';
export { formatEvaluation } from './evaluation/format-evaluation.js';
export type { Metrics, ReliabilityBin } from './evaluation/metrics.js';
export { parseHorizon } from './horizon.js';
export { ModelRepoSql } from './model-repo-sql.js';
export type { Candidate, Evaluation, ModelKind, Predictor, TrainedModel, ValuePredictor } from './model-spec.js';
export { companionScores, featureSetMismatch, scoreProfile } from './model-spec.js';
export { loadProfileFeatures } from './training/load-profiles.js';
export type { TrainRequest, TrainResult } from './training/train-model.js';
export { trainModel } from './training/train-model.js';
export type { LiveScorerOptions } from './live/live-scorer.js';
export { LiveScorer } from './live/live-scorer.js';
export type { ImportRequest } from './batch-scoring.js';
export { importAndSave } from './batch-scoring.js';
export type { OnnxImport, OnnxPredictor } from './byom/onnx-model.js';
export { importOnnx, OnnxScorer } from './byom/onnx-model.js';
export type { XgboostPredictor } from './byom/xgboost-model.js';
export { importXgboost, predictXgboost } from './byom/xgboost-model.js';
export { ModelScorers } from './model-scorers.js';
