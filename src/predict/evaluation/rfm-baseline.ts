import { fitLogistic, predictLogistic, type LogisticModel } from '../models/logistic-regression.js';

/** Where one value falls in a sorted sample: the share of the sample ≤ it (the empirical CDF). */
function ecdf(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length === 0 ? 0.5 : lo / sorted.length;
}

/**
 * The RFM heuristic every model is compared with: a customer's recency rank (more recent is better) and
 * frequency rank (more orders is better), averaged, then calibrated to a probability by a one-feature logistic
 * fit (Platt scaling) on the training labels — so its Brier score and reliability table compare fairly too. For
 * churn the fit simply takes the opposite sign.
 */
export class RfmBaseline {
  private constructor(
    private readonly recency: readonly number[],
    private readonly frequency: readonly number[],
    private readonly platt: LogisticModel,
  ) {}

  /** The heuristic's raw score in [0, 1] from recency (days) and frequency (orders). */
  private raw(recency: number, frequency: number): number {
    return 0.5 * (1 - ecdf(this.recency, recency)) + 0.5 * ecdf(this.frequency, frequency);
  }

  /** Fits the ranks and the calibration on training rows. */
  static fit(rows: readonly { recency: number; frequency: number }[], labels: readonly number[]): RfmBaseline {
    const recency = rows.map((r) => r.recency).sort((a, b) => a - b);
    const frequency = rows.map((r) => r.frequency).sort((a, b) => a - b);
    const uncalibrated = new RfmBaseline(recency, frequency, { type: 'logistic', mean: [0], scale: [1], weights: [0], bias: 0 });
    const platt = fitLogistic(
      rows.map((r) => Float64Array.of(uncalibrated.raw(r.recency, r.frequency))),
      labels,
    );
    return new RfmBaseline(recency, frequency, platt);
  }

  /** The calibrated probability for one customer. */
  predict(recency: number, frequency: number): number {
    return predictLogistic(this.platt, [this.raw(recency, frequency)]);
  }
}
