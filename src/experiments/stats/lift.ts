import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { criticalZ } from './normal-tail.js';
import { sampleVariance, type Moments } from './moments.js';

/** How a metric is summarised: a rate of 0/1 outcomes, or the mean of a number. */
export type MetricKind = 'proportion' | 'mean';

/** An estimate with its confidence interval. `low`/`high` are NaN when it cannot be estimated. */
export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  /** The variance of the estimate (its squared standard error). */
  readonly variance: number;
}

/**
 * The variance of an arm's mean: p(1 − p)/n for a proportion (the Wald form), s²/n for a mean.
 */
export function varianceOfMean(m: Moments, kind: MetricKind): number {
  if (m.n === 0) return Number.NaN;
  return kind === 'proportion' ? (m.mean * (1 - m.mean)) / m.n : sampleVariance(m) / m.n;
}

/**
 * The absolute lift x̄_t − x̄_c with its two-sided (1 − α) interval:
 * proportions (Wald, unpooled): (p_t − p_c) ± z₁₋α/₂ √(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c);
 * means (Welch): (x̄_t − x̄_c) ± t_{ν,1−α/2} √(s_t²/n_t + s_c²/n_c), ν the Welch–Satterthwaite df.
 * Trust it when the normal approximation holds: ~5+ conversions and non-conversions per arm for a rate, and
 * enough units that the mean of a skewed metric (revenue) is near-normal — hundreds at least.
 */
export function absoluteLift(treatment: Moments, control: Moments, kind: MetricKind, alpha = 0.05): Interval {
  const vt = varianceOfMean(treatment, kind);
  const vc = varianceOfMean(control, kind);
  const variance = vt + vc;
  const estimate = treatment.mean - control.mean;
  let critical = criticalZ(alpha);
  if (kind === 'mean') {
    if (treatment.n < 2 || control.n < 2) return { estimate, low: Number.NaN, high: Number.NaN, variance: Number.NaN };
    const df = variance === 0 ? Infinity : (variance * variance) / ((vt * vt) / (treatment.n - 1) + (vc * vc) / (control.n - 1));
    if (Number.isFinite(df)) critical = tQuantile(1 - alpha / 2, df);
  }
  const half = critical * Math.sqrt(variance);
  return { estimate, low: estimate - half, high: estimate + half, variance };
}

/**
 * The relative lift x̄_t / x̄_c − 1 with a delta-method interval (first-order Taylor expansion of the ratio of
 * two independent means):
 * Var(x̄_t/x̄_c) ≈ Var(x̄_t)/x̄_c² + x̄_t²·Var(x̄_c)/x̄_c⁴, interval = lift ± z₁₋α/₂ √Var.
 * Undefined (NaN) when the control mean is 0. Trust it when the control mean is many standard errors from 0
 * (say x̄_c / se(x̄_c) > 10): near 0 the ratio is far from normal and the interval too narrow. This is what
 * GrowthBook and Eppo report as "relative lift".
 */
export function relativeLift(treatment: Moments, control: Moments, kind: MetricKind, alpha = 0.05): Interval {
  const mc = control.mean;
  const mt = treatment.mean;
  if (control.n === 0 || treatment.n === 0 || mc === 0) {
    return { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, variance: Number.NaN };
  }
  const variance = varianceOfMean(treatment, kind) / (mc * mc) + (mt * mt * varianceOfMean(control, kind)) / mc ** 4;
  const estimate = mt / mc - 1;
  const half = criticalZ(alpha) * Math.sqrt(variance);
  return { estimate, low: estimate - half, high: estimate + half, variance };
}
