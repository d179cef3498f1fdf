/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Stop when the simplex's function values span less than this (default 1e-10). */
  readonly tolerance?: number;
  /** Stop after this many iterations (default 5000). */
  readonly maxIterations?: number;
  /** Initial step along each axis (default 0.5: in log-parameter space, a factor of e^0.5). */
  readonly step?: number;
}

/** The minimum found, and whether the tolerance was reached before the iteration limit. */
export interface NelderMeadResult {
  readonly x: number[];
  readonly fx: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Derivative-free minimisation by the Nelder–Mead simplex (standard coefficients: reflection 1, expansion 2,
 * contraction ½, shrink ½), with restarts from the best point until two successive runs agree — the simplex
 * can collapse early on the elongated likelihood surfaces of BG/NBD. A non-finite value counts as +∞, so the
 * search steps away from overflow instead of stopping on it. Hand-written: the one small npm package for this
 * (`fmin`) ships no ES module export usable from Node and no types.
 */
export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const tol = options.tolerance ?? 1e-10;
  const maxIter = options.maxIterations ?? 5000;
  const safe = (x: readonly number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let best = { x: [...x0], fx: safe(x0) };
  let total = 0;
  let converged = false;
  for (let restart = 0; restart < 5; restart++) {
    const run = simplexRun(safe, best.x, options.step ?? 0.5, tol, maxIter);
    total += run.iterations;
    const improved = best.fx - run.fx;
    best = run.fx <= best.fx ? { x: run.x, fx: run.fx } : best;
    converged = run.converged;
    if (restart > 0 && Math.abs(improved) < tol) break;
  }
  return { x: best.x, fx: best.fx, iterations: total, converged };
}

function simplexRun(f: (x: readonly number[]) => number, x0: readonly number[], step: number, tol: number, maxIter: number): NelderMeadResult {
  const n = x0.length;
  let simplex = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const x = x0.slice();
    x[i] = (x[i] as number) + step;
    simplex.push(x);
  }
  let values = simplex.map(f);
  let iterations = 0;
  const combine = (a: readonly number[], b: readonly number[], t: number): number[] => a.map((ai, i) => ai + t * ((b[i] as number) - ai));
  for (; iterations < maxIter; iterations++) {
    const order = values.map((_, i) => i).sort((i, j) => (values[i] as number) - (values[j] as number));
    simplex = order.map((i) => simplex[i] as number[]);
    values = order.map((i) => values[i] as number);
    const spread = Math.abs((values[n] as number) - (values[0] as number));
    if (Number.isFinite(spread) && spread <= tol * (Math.abs(values[0] as number) + tol)) {
      return { x: simplex[0] as number[], fx: values[0] as number, iterations, converged: true };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let d = 0; d < n; d++) centroid[d] = (centroid[d] as number) + (simplex[i]![d] as number) / n;
    const worst = simplex[n] as number[];
    const reflected = combine(centroid, worst, -1);
    const fr = f(reflected);
    if (fr < (values[0] as number)) {
      const expanded = combine(centroid, worst, -2);
      const fe = f(expanded);
      if (fe < fr) {
        simplex[n] = expanded;
        values[n] = fe;
      } else {
        simplex[n] = reflected;
        values[n] = fr;
      }
      continue;
    }
    if (fr < (values[n - 1] as number)) {
      simplex[n] = reflected;
      values[n] = fr;
      continue;
    }
    const outside = fr < (values[n] as number);
    const contracted = outside ? combine(centroid, worst, -0.5) : combine(centroid, worst, 0.5);
    const fc = f(contracted);
    if (fc < (outside ? fr : (values[n] as number))) {
      simplex[n] = contracted;
      values[n] = fc;
      continue;
    }
    for (let i = 1; i <= n; i++) {
      simplex[i] = combine(simplex[0] as number[], simplex[i] as number[], 0.5);
      values[i] = f(simplex[i] as number[]);
    }
  }
  return { x: simplex[0] as number[], fx: values[0] as number, iterations, converged: false };
}
