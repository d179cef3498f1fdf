import { confidenceSequence, effectiveN, type SequentialInterval } from './confidence-sequence.js';
import { absoluteLift, relativeLift, type Interval, type MetricKind } from './lift.js';
import type { Moments } from './moments.js';
import type { PValue } from './normal-tail.js';
import { srmCheck, SRM_THRESHOLD, type SrmResult } from './srm-check.js';
import { twoProportionZTest } from './two-proportion-z-test.js';
import { welchTTest } from './welch-t-test.js';

/** One arm's data: its unit count, configured weight and each metric's moments over its units. */
export interface ArmInput {
  readonly arm: string;
  readonly n: number;
  /** Configured share (any scale); equal weights when every arm omits it. */
  readonly weight?: number;
  readonly metrics: Readonly<Record<string, Moments>>;
}

/** A metric to compare. A guardrail is one that must not get worse (higher is worse, e.g. unsubscribe rate). */
export interface MetricSpec {
  readonly name: string;
  readonly kind: MetricKind;
  readonly guardrail?: boolean;
}

/** Analysis settings. */
export interface AnalysisOptions {
  readonly control: string;
  /** Two-sided significance level, default 0.05. */
  readonly alpha?: number;
  /** Planned units per arm that tunes the sequential test (default 10,000; see confidence-sequence.ts). */
  readonly plannedPerArm?: number;
  readonly srmThreshold?: number;
}

/** One metric of one arm against control. For the control itself lifts are 0 and the p-value 1. */
export interface MetricComparison {
  readonly kind: MetricKind;
  readonly guardrail: boolean;
  readonly n: number;
  readonly mean: number;
  readonly absolute: Interval;
  readonly relative: Interval;
  /** Fixed-horizon p-value: two-proportion z-test for rates, Welch's t-test for means. */
  readonly pValue: PValue;
  /**
   * Always-valid confidence sequence on the absolute lift (the difference of means, where the mixture boundary
   * is exact under the normal approximation; the delta-method ratio adds noise from the control's mean).
   */
  readonly sequential: SequentialInterval;
}

/** One arm of the report. */
export interface ArmAnalysis {
  readonly arm: string;
  readonly n: number;
  readonly weight: number;
  readonly isControl: boolean;
  readonly metrics: Readonly<Record<string, MetricComparison>>;
}

/** The statistics of an experiment: every arm against control on every metric, and the SRM check. */
export interface ExperimentAnalysis {
  readonly control: string;
  readonly alpha: number;
  readonly plannedPerArm: number;
  readonly metrics: readonly MetricSpec[];
  readonly arms: readonly ArmAnalysis[];
  readonly srm: SrmResult;
}

/** Thrown for a call that cannot be analysed at all (a programming error, not a data condition). */
function fail(message: string): never {
  throw new RangeError(message);
}

/**
 * Compares every arm with the control on every metric (see lift.ts, two-proportion-z-test.ts, welch-t-test.ts,
 * confidence-sequence.ts) and checks the split against the weights (srm-check.ts). Pure.
 */
export function analyzeArms(arms: readonly ArmInput[], metrics: readonly MetricSpec[], options: AnalysisOptions): ExperimentAnalysis {
  const alpha = options.alpha ?? 0.05;
  const plannedPerArm = options.plannedPerArm ?? 10_000;
  const control = arms.find((a) => a.arm === options.control) ?? fail(`no arm named ${options.control}`);
  const anyWeight = arms.some((a) => a.weight !== undefined);
  const weights = arms.map((a) => (anyWeight ? (a.weight ?? 0) : 1));
  const empty: Moments = { n: 0, mean: Number.NaN, m2: 0 };
  const analysed = arms.map((arm, i): ArmAnalysis => {
    const isControl = arm === control;
    const perMetric: Record<string, MetricComparison> = {};
    for (const metric of metrics) {
      const t = arm.metrics[metric.name] ?? empty;
      const c = control.metrics[metric.name] ?? empty;
      perMetric[metric.name] = isControl ? controlRow(metric, t) : compare(metric, t, c, alpha, plannedPerArm);
    }
    return { arm: arm.arm, n: arm.n, weight: weights[i] ?? 0, isControl, metrics: perMetric };
  });
  const srm = srmCheck(
    arms.map((a) => a.n),
    weights,
    options.srmThreshold ?? SRM_THRESHOLD,
  );
  return { control: control.arm, alpha, plannedPerArm, metrics, arms: analysed, srm };
}

function controlRow(metric: MetricSpec, m: Moments): MetricComparison {
  const zero: Interval = { estimate: 0, low: 0, high: 0, variance: 0 };
  return {
    kind: metric.kind,
    guardrail: metric.guardrail ?? false,
    n: m.n,
    mean: m.mean,
    absolute: zero,
    relative: zero,
    pValue: { value: 1, ln: 0 },
    sequential: { low: 0, high: 0, pValue: 1, significant: false },
  };
}

function compare(metric: MetricSpec, t: Moments, c: Moments, alpha: number, plannedPerArm: number): MetricComparison {
  const relative = relativeLift(t, c, metric.kind, alpha);
  const absolute = absoluteLift(t, c, metric.kind, alpha);
  const pValue = metric.kind === 'proportion' ? twoProportionZTest(t.mean * t.n, t.n, c.mean * c.n, c.n).pValue : welchTTest(t, c).pValue;
  return {
    kind: metric.kind,
    guardrail: metric.guardrail ?? false,
    n: t.n,
    mean: t.mean,
    absolute,
    relative,
    pValue,
    sequential: confidenceSequence(absolute.estimate, absolute.variance, effectiveN(t.n, c.n), plannedPerArm, alpha),
  };
}
