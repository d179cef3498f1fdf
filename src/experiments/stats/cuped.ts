/**
 * The running sums of a metric Y and a pre-exposure covariate X (typically the same metric in the weeks
 * before exposure) for one arm: what CUPED needs.
 */
export interface CovariateSums {
  readonly n: number;
  readonly sumY: number;
  readonly sumY2: number;
  readonly sumX: number;
  readonly sumX2: number;
  readonly sumXY: number;
}

/** Sums of (y, x) pairs. */
export function covariateSumsOf(pairs: Iterable<readonly [y: number, x: number]>): CovariateSums {
  let n = 0;
  let sumY = 0;
  let sumY2 = 0;
  let sumX = 0;
  let sumX2 = 0;
  let sumXY = 0;
  for (const [y, x] of pairs) {
    n += 1;
    sumY += y;
    sumY2 += y * y;
    sumX += x;
    sumX2 += x * x;
    sumXY += x * y;
  }
  return { n, sumY, sumY2, sumX, sumX2, sumXY };
}

/** One arm after CUPED: the adjusted mean and the variance of one adjusted unit. */
export interface CupedArm {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

/** CUPED across arms: θ and each arm adjusted. */
export interface CupedResult {
  readonly theta: number;
  readonly arms: readonly CupedArm[];
  /** 1 − Var(Y − θX)/Var(Y) over all units: the share of variance removed (ρ² of X and Y). */
  readonly varianceReduction: number;
}

/**
 * CUPED (Deng, Xu, Kohavi & Walker 2013, "Improving the sensitivity of online controlled experiments by
 * utilizing pre-experiment data"): Y' = Y − θ(X − x̄), θ = Cov(X, Y)/Var(X) pooled over all arms (one θ for every
 * arm keeps the adjusted difference unbiased, because X is independent of the assignment). Each arm's adjusted
 * mean is ȳ_i − θ(x̄_i − x̄) and the variance of an adjusted unit is s²_Y − 2θ·s_XY + θ²·s²_X (within the arm).
 * Feed the adjusted arms to the same lift and Welch formulas. Trust it only when X is measured before exposure:
 * a covariate the treatment can move biases the result.
 */
export function cuped(arms: readonly CovariateSums[]): CupedResult {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const a of arms) {
    n += a.n;
    sx += a.sumX;
    sy += a.sumY;
    sxx += a.sumX2;
    sxy += a.sumXY;
    syy += a.sumY2;
  }
  const xBar = n > 0 ? sx / n : 0;
  const varX = n > 1 ? (sxx - sx * xBar) / (n - 1) : 0;
  const covXY = n > 1 ? (sxy - (sx * sy) / n) / (n - 1) : 0;
  const varY = n > 1 ? (syy - (sy * sy) / n) / (n - 1) : 0;
  const theta = varX > 0 ? covXY / varX : 0;
  const adjusted = arms.map((a): CupedArm => {
    if (a.n === 0) return { n: 0, mean: Number.NaN, variance: Number.NaN };
    const mx = a.sumX / a.n;
    const my = a.sumY / a.n;
    const d = a.n > 1 ? a.n - 1 : 1;
    const vy = (a.sumY2 - a.n * my * my) / d;
    const vx = (a.sumX2 - a.n * mx * mx) / d;
    const cxy = (a.sumXY - a.n * mx * my) / d;
    return { n: a.n, mean: my - theta * (mx - xBar), variance: Math.max(0, vy - 2 * theta * cxy + theta * theta * vx) };
  });
  const varAdj = varY - 2 * theta * covXY + theta * theta * varX;
  return { theta, arms: adjusted, varianceReduction: varY > 0 ? 1 - varAdj / varY : 0 };
}
