import { describe, expect, it } from 'vitest';
import { auc } from '../evaluation/metrics.js';
import { fitGradientBoostedTrees, predictTrees } from './gradient-boosted-trees.js';
import { fitLogistic, predictLogistic } from './logistic-regression.js';
import { nelderMead } from './nelder-mead.js';

/** A deterministic pseudo-random stream in [0, 1). */
function stream(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function data(n: number, seed: number): { rows: Float64Array[]; labels: number[] } {
  const r = stream(seed);
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Float64Array.of(r() * 10, r() * 10, r());
    rows.push(x);
    // An interaction a linear model cannot express fully: positive inside a band of x0 when x1 is high.
    labels.push(x[0]! > 3 && x[0]! < 7 && x[1]! > 5 ? (r() < 0.9 ? 1 : 0) : r() < 0.1 ? 1 : 0);
  }
  return { rows, labels };
}

describe('classifiers', () => {
  const train = data(3000, 1);
  const test = data(1000, 2);

  it('gradient-boosted trees learn an interaction and stop early on the held-out rows', () => {
    const inner = data(600, 3);
    const model = fitGradientBoostedTrees(train.rows, train.labels, { validation: inner, maxTrees: 400 });
    expect(model.trees.length).toBeLessThan(400);
    // The best possible AUC here is ≈ 0.833 (10% label noise on each side); a linear model cannot express the band.
    const treeAuc = auc(test.rows.map((x) => predictTrees(model, x)), test.labels);
    const linear = fitLogistic(train.rows, train.labels);
    expect(treeAuc).toBeGreaterThan(0.8);
    expect(treeAuc).toBeGreaterThan(auc(test.rows.map((x) => predictLogistic(linear, x)), test.labels) + 0.05);
  });

  it('logistic regression ranks by the right signs and gives probabilities that average to the base rate', () => {
    const rows = train.rows.map((x) => Float64Array.of(x[0]!, x[2]!));
    const labels: number[] = train.rows.map((x, i) => ((x[0]! > 5 ? 0.8 : 0.2) > (i % 10) / 10 ? 1 : 0));
    const model = fitLogistic(rows, labels);
    expect(model.weights[0]).toBeGreaterThan(0);
    const mean = rows.reduce((s, x) => s + predictLogistic(model, x), 0) / rows.length;
    expect(mean).toBeCloseTo(labels.reduce((s, y) => s + y, 0) / labels.length, 2);
  });

  it('Nelder–Mead finds the minimum of the Rosenbrock function', () => {
    const result = nelderMead(([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2, [-1.2, 1], { tolerance: 1e-14, maxIterations: 10_000 });
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
  });
});
