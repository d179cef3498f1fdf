import type { TrainedModel } from '../model-spec.js';
import type { Metrics } from './metrics.js';

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '  n/a');

/**
 * The evaluation as printed at the end of `segflow predict train`: the split, the candidates, each figure
 * beside the RFM baseline's, the reliability table, and a flag when the model does not beat the baseline.
 */
export function formatEvaluation(model: TrainedModel): string {
  const e = model.evaluation;
  const p = model.predictor;
  if (e === undefined) {
    return `model ${model.name} v${model.version} (${model.kind}, imported ${p.type}) — feature set v${model.featureSetVersion}\n  not evaluated here: it was trained outside segflow`;
  }
  const lines = [
    `model ${model.name} v${model.version} (${model.kind}, ${p.type}) — feature set v${model.featureSetVersion}`,
    `  trained on features as of ${iso(model.trainCutoff)}, labels in the ${Math.round(model.horizonMs / 86_400_000)} days after (${model.trainRows} profiles)`,
    `  evaluated on features as of ${iso(model.validationCutoff)}, labels in the ${Math.round(model.horizonMs / 86_400_000)} days after (${e.model.count} profiles, ${e.model.positives} positive)`,
  ];
  for (const c of model.candidates) lines.push(`  candidate ${c.type}${Number.isFinite(c.innerAuc) ? `: inner validation AUC ${f3(c.innerAuc)}` : ''}`);
  if (p.type === 'bgnbd') {
    lines.push(`  BG/NBD r=${p.bgnbd.r.toPrecision(4)} α=${p.bgnbd.alpha.toPrecision(4)} a=${p.bgnbd.a.toPrecision(4)} b=${p.bgnbd.b.toPrecision(4)} (days)`);
    if (p.gammaGamma) lines.push(`  Gamma-Gamma p=${p.gammaGamma.p.toPrecision(4)} q=${p.gammaGamma.q.toPrecision(4)} v=${p.gammaGamma.v.toPrecision(4)}: score = expected revenue`);
    else lines.push(`  Gamma-Gamma refused: ${p.spendRefusal ?? ''}; score = expected orders`);
  }
  const row = (label: string, pick: (m: Metrics) => number): string => `  ${label.padEnd(16)} ${f3(pick(e.model)).padStart(8)} ${f3(pick(e.baseline)).padStart(10)}`;
  lines.push(`  ${'figure'.padEnd(16)} ${'model'.padStart(8)} ${'RFM base'.padStart(10)}`);
  lines.push(row('AUC', (m) => m.auc), row('PR-AUC', (m) => m.prAuc), row('top-decile lift', (m) => m.topDecileLift), row('Brier', (m) => m.brier));
  if (e.ordersMae) lines.push(`  ${'orders MAE'.padEnd(16)} ${f3(e.ordersMae.model).padStart(8)} ${f3(e.ordersMae.baseline).padStart(10)}`);
  lines.push('  reliability (model): predicted → observed (count)');
  for (const b of e.model.reliability) lines.push(`    [${b.from.toFixed(1)}, ${b.to.toFixed(1)})  ${b.meanPredicted.toFixed(3)} → ${b.observedRate.toFixed(3)}  (${b.count})`);
  lines.push(e.beatsBaseline ? '  ✓ beats the RFM baseline on this split' : '  ⚠ DOES NOT BEAT the RFM baseline on this split: prefer the baseline or more data');
  return lines.join('\n');
}
