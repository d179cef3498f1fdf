import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auc, averagePrecision, brier, lift, reliability } from './metrics.js';

/** AUC by definition: the share of (positive, negative) pairs ordered right, ties half. O(n²). */
function pairwiseAuc(scores: number[], labels: number[]): number {
  let good = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    for (let j = 0; j < scores.length; j++) {
      if (labels[i] === 1 && labels[j] === 0) {
        pairs++;
        good += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
  }
  return good / pairs;
}

describe('evaluation metrics', () => {
  it('computes AUC equal to the pairwise definition, ties included', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1 })), { minLength: 2, maxLength: 40 }), (rows) => {
        const scores = rows.map((r) => r[0] / 5);
        const labels = rows.map((r) => r[1]);
        fc.pre(labels.includes(0) && labels.includes(1));
        expect(auc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
      }),
    );
  });

  it('gives perfect and reversed rankings AUC 1 and 0, and perfect average precision 1', () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(averagePrecision([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(averagePrecision([0.9, 0.1, 0.8], [0, 1, 1])).toBeCloseTo((1 / 2) * (1 / 2) + (1 / 2) * (2 / 3), 12);
  });

  it('reads lift in the top decile, the Brier score and a reliability table', () => {
    const scores = Array.from({ length: 100 }, (_, i) => i / 100);
    const labels = scores.map((s) => (s >= 0.9 ? 1 : s < 0.1 ? 1 : 0));
    expect(lift(scores, labels)).toBeCloseTo(1 / 0.2, 12);
    expect(brier([1, 0, 0.5], [1, 0, 1])).toBeCloseTo(0.25 / 3, 12);
    const table = reliability([0.05, 0.07, 0.95], [0, 1, 1]);
    expect(table).toEqual([
      { from: 0, to: 0.1, count: 2, meanPredicted: expect.closeTo(0.06, 12), observedRate: 0.5 },
      { from: 0.9, to: 1, count: 1, meanPredicted: expect.closeTo(0.95, 12), observedRate: 1 },
    ]);
  });
});
