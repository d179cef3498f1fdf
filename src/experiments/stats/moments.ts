/**
 * The sufficient statistics of one metric in one arm: count, mean and the sum of squared deviations (M2),
 * kept in Welford's form so that a mean of 0.1 over a billion values does not lose its variance to
 * cancellation (the naive Σx² − n·x̄² loses about half the digits exactly when the variance is small).
 */
export interface Moments {
  readonly n: number;
  readonly mean: number;
  /** Σ (x − mean)². */
  readonly m2: number;
}

/** No observations. */
export const emptyMoments: Moments = { n: 0, mean: 0, m2: 0 };

/** Adds one observation (Welford's update). */
export function addObservation(m: Moments, x: number): Moments {
  const n = m.n + 1;
  const delta = x - m.mean;
  const mean = m.mean + delta / n;
  return { n, mean, m2: m.m2 + delta * (x - mean) };
}

/** The moments of a list of values. */
export function momentsOf(values: Iterable<number>): Moments {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of values) {
    n += 1;
    const delta = x - mean;
    mean += delta / n;
    m2 += delta * (x - mean);
  }
  return { n, mean, m2 };
}

/**
 * The moments from running sums (what a SQL `count`, `sum(x)`, `sum(x*x)` returns). Prefer {@link momentsOf}
 * when the values are at hand; for 0/1 values this is exact.
 */
export function momentsFromSums(n: number, sum: number, sumOfSquares: number): Moments {
  if (n === 0) return emptyMoments;
  const mean = sum / n;
  return { n, mean, m2: Math.max(0, sumOfSquares - sum * mean) };
}

/** The moments of `conversions` ones among `n` 0/1 values. */
export function proportionMoments(n: number, conversions: number): Moments {
  if (n === 0) return emptyMoments;
  const p = conversions / n;
  return { n, mean: p, m2: n * p * (1 - p) };
}

/** Chan et al.'s parallel combination: the moments of the union of two disjoint samples. */
export function combineMoments(a: Moments, b: Moments): Moments {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
}

/** Unbiased sample variance (n − 1 in the denominator); 0 with fewer than two observations. */
export function sampleVariance(m: Moments): number {
  return m.n > 1 ? m.m2 / (m.n - 1) : 0;
}
