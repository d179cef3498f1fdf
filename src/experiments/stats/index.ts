/**
 * @module
 * The statistics of experiments, pure and I/O-free: per-arm moments, absolute and relative lift with
 * confidence intervals (delta method), the two-proportion z-test and Welch's t-test with tail-accurate p-values,
 * the sample-ratio-mismatch check, always-valid confidence sequences (mSPRT), CUPED and sample sizes, and the
 * one-call {@link analyzeArms} with its plain-language {@link verdictLines}. Formulas and when to trust each are
 * in each file's doc comment and in docs/experiments.md; distribution functions come from `@stdlib`.
 */
export { analyzeArms } from './analyze-arms.js';
export type { AnalysisOptions, ArmAnalysis, ArmInput, ExperimentAnalysis, MetricComparison, MetricSpec } from './analyze-arms.js';
export { confidenceSequence, effectiveN, mixingRho2 } from './confidence-sequence.js';
export type { SequentialInterval } from './confidence-sequence.js';
export { covariateSumsOf, cuped } from './cuped.js';
export type { CovariateSums, CupedArm, CupedResult } from './cuped.js';
export { absoluteLift, relativeLift, varianceOfMean } from './lift.js';
export type { Interval, MetricKind } from './lift.js';
export { addObservation, combineMoments, emptyMoments, momentsFromSums, momentsOf, proportionMoments, sampleVariance } from './moments.js';
export type { Moments } from './moments.js';
export { criticalZ, normalQuantile, normalTwoSided } from './normal-tail.js';
export type { PValue } from './normal-tail.js';
export { sampleSizePerArm, sampleSizePerArmForMean } from './sample-size.js';
export type { SampleSizeInput } from './sample-size.js';
export { srmCheck, SRM_THRESHOLD } from './srm-check.js';
export type { SrmResult } from './srm-check.js';
export { twoProportionZTest } from './two-proportion-z-test.js';
export type { ZTestResult } from './two-proportion-z-test.js';
export { formatPercent, formatPValue, verdictLines } from './verdict.js';
export { welchTTest } from './welch-t-test.js';
export type { WelchResult } from './welch-t-test.js';
