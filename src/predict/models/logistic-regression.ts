/** A fitted logistic regression on standardised, log-compressed features. */
export interface LogisticModel {
  readonly type: 'logistic';
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly number[];
  readonly bias: number;
}

/** Options of {@link fitLogistic}. */
export interface LogisticOptions {
  /** L2 penalty on the weights (not the intercept), in units of the mean log-loss (default 1e-3). */
  readonly l2?: number;
  readonly maxIterations?: number;
}

/** Signed log1p: counts and amounts span orders of magnitude; a linear model reads their logarithm better. */
const compress = (v: number): number => Math.sign(v) * Math.log1p(Math.abs(v));

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solves A·x = b for a symmetric positive definite A by Cholesky (A is small: one row per feature). */
function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j] as number;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) on standardised signed-log features:
 * exact to the optimum in a handful of iterations for a few dozen features. Hand-written because the npm
 * candidate (`ml-logistic-regression`) has no regularisation and a fixed-step gradient descent.
 */
export function fitLogistic(rows: readonly Float64Array[], labels: readonly number[], options: LogisticOptions = {}): LogisticModel {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const l2 = options.l2 ?? 1e-3;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  const z = rows.map((r) => Array.from(r, compress));
  for (const r of z) for (let j = 0; j < d; j++) mean[j] = mean[j]! + r[j]! / n;
  for (const r of z) for (let j = 0; j < d; j++) scale[j] = scale[j]! + (r[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  const xs = z.map((r) => [...r.map((v, j) => (v - mean[j]!) / scale[j]!), 1]);
  const w = new Array<number>(d + 1).fill(0);
  for (let iter = 0; iter < (options.maxIterations ?? 30); iter++) {
    const grad = new Array<number>(d + 1).fill(0);
    const hess = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const x = xs[i] as number[];
      let s = 0;
      for (let j = 0; j <= d; j++) s += w[j]! * x[j]!;
      const p = sigmoid(s);
      const g = (p - (labels[i] as number)) / n;
      const h = Math.max(p * (1 - p), 1e-9) / n;
      for (let j = 0; j <= d; j++) {
        grad[j] = grad[j]! + g * x[j]!;
        const hj = h * x[j]!;
        const row = hess[j] as number[];
        for (let k = 0; k <= j; k++) row[k] = row[k]! + hj * x[k]!;
      }
    }
    for (let j = 0; j < d; j++) {
      grad[j] = grad[j]! + l2 * w[j]!;
      hess[j]![j] = hess[j]![j]! + l2;
    }
    for (let j = 0; j <= d; j++) for (let k = j + 1; k <= d; k++) hess[j]![k] = hess[k]![j]!;
    const step = solveSpd(hess, grad);
    let moved = 0;
    for (let j = 0; j <= d; j++) {
      w[j] = w[j]! - step[j]!;
      moved = Math.max(moved, Math.abs(step[j]!));
    }
    if (moved < 1e-8) break;
  }
  return { type: 'logistic', mean, scale, weights: w.slice(0, d), bias: w[d]! };
}

/** The probability the model gives one feature vector. */
export function predictLogistic(model: LogisticModel, features: ArrayLike<number>): number {
  let s = model.bias;
  for (let j = 0; j < model.weights.length; j++) s += model.weights[j]! * ((compress(features[j]!) - model.mean[j]!) / model.scale[j]!);
  return sigmoid(s);
}
