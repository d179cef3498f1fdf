import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../features/feature-set.js';
import { importOnnx, OnnxScorer } from './onnx-model.js';
import { importXgboost, predictXgboost } from './xgboost-model.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const recorded = JSON.parse(readFileSync(join(fixtures, 'predictions.json'), 'utf8')) as {
  features: string[];
  rows: (number | null)[][];
  onnx: number[];
  xgboost: number[];
};

/** The fixture rows as segflow feature vectors (each model column at its feature's index; null as NaN). */
const vectors = recorded.rows.map((row) => {
  const x = new Float64Array(FEATURE_NAMES.length).fill(123.456);
  recorded.features.forEach((name, j) => {
    x[FEATURE_NAMES.indexOf(name)] = row[j] ?? Number.NaN;
  });
  return x;
});

describe('bring your own model', () => {
  it('scores the XGBoost JSON fixture as Python did, to 1e-6, missing values included', () => {
    const imported = importXgboost(readFileSync(join(fixtures, 'model.xgb.json'), 'utf8'));
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    expect(imported.predictor.featureNames).toEqual(recorded.features);
    const ours = vectors.map((x) => predictXgboost(imported.predictor, x));
    ours.forEach((p, i) => expect(Math.abs(p - (recorded.xgboost[i] as number))).toBeLessThan(1e-6));
  });

  it('scores the ONNX fixture (a scikit-learn logistic regression) as Python did, to 1e-6', async () => {
    const imported = await importOnnx(readFileSync(join(fixtures, 'linear.onnx')), recorded.features);
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    expect([imported.predictor.inputName, imported.predictor.inputType, imported.predictor.outputName]).toEqual(['features', 'float32', 'probabilities']);
    const scorer = await OnnxScorer.load(imported.predictor);
    try {
      const complete = vectors.map((x, i) => ({ x, i })).filter(({ i }) => recorded.rows[i]?.every((v) => v !== null));
      const ours = await scorer.score(complete.map((c) => c.x));
      expect(complete.length).toBeGreaterThan(150);
      ours.forEach((p, k) => expect(Math.abs(p - (recorded.onnx[complete[k]?.i as number] as number))).toBeLessThan(1e-6));
    } finally {
      await scorer.release();
    }
  });

  it("refuses an ONNX model with scikit-learn's ZipMap output and says how to re-export it", async () => {
    const imported = await importOnnx(readFileSync(join(fixtures, 'linear-zipmap.onnx')), recorded.features);
    expect(imported.ok).toBe(false);
    if (!imported.ok) expect(imported.problems.join('\n')).toMatch(/ZipMap.*zipmap": False/s);
  });

  it('checks input names and counts against segflow features', async () => {
    const wrongCount = await importOnnx(readFileSync(join(fixtures, 'linear.onnx')), ['recency_days', 'frequency']);
    expect(wrongCount.ok || wrongCount.problems.join()).toContain('4 columns but 2 feature names');
    const unknown = importXgboost(readFileSync(join(fixtures, 'model.xgb.json'), 'utf8'), ['recency_days', 'frequency', 'monetary_total', 'shoe_size']);
    expect(unknown.ok || unknown.problems.join()).toContain('"shoe_size" is not a segflow feature');
    expect(importXgboost('{"learner":{"objective":{"name":"reg:squarederror"}}}').ok).toBe(false);
    expect((await importOnnx(new Uint8Array([1, 2, 3]), recorded.features)).ok).toBe(false);
  });
});
