import type { ArmAnalysis, ExperimentAnalysis, MetricComparison } from './analyze-arms.js';

/** A relative change as a signed percentage: +18%, −3.2%, +0.41%. */
export function formatPercent(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  const pct = x * 100;
  const digits = Math.abs(pct) >= 10 ? 0 : Math.abs(pct) >= 1 ? 1 : 2;
  const text = Math.abs(pct).toFixed(digits);
  if (Number(text) === 0) return '0%';
  return `${pct < 0 ? '−' : '+'}${text}%`;
}

/** A p-value for people: "p = 0.032", "p < 1e-300"-style scientific for tiny ones. */
export function formatPValue(p: number, lnP?: number): string {
  if (!Number.isFinite(p)) return 'p = n/a';
  if (p === 0 && lnP !== undefined && Number.isFinite(lnP)) return `p ≈ 1e${Math.round(lnP / Math.LN10)}`;
  if (p >= 0.001) return `p = ${p.toFixed(3)}`;
  return `p = ${p.toExponential(1)}`;
}

/**
 * One sentence per (arm, metric) against control, then the SRM warning when the split is off:
 * "72h beats 1h on conversion by +18% (95% CI +6% … +31%, p = 0.003); sequential test: significant".
 * For a guardrail, a significant increase is "worse". The fixed-horizon words (beats / loses to / no significant
 * difference) assume the report is read once at the planned end; the sequential verdict holds at any look.
 */
export function verdictLines(analysis: ExperimentAnalysis): string[] {
  const lines: string[] = [];
  const control = analysis.arms.find((a) => a.isControl);
  const level = Math.round((1 - analysis.alpha) * 100);
  for (const arm of analysis.arms) {
    if (arm.isControl || control === undefined) continue;
    for (const metric of analysis.metrics) {
      const m = arm.metrics[metric.name];
      if (m !== undefined) lines.push(sentence(arm, control, metric.name, m, analysis.alpha, level));
    }
  }
  if (analysis.srm.mismatch) {
    lines.push(
      `Sample ratio mismatch (${formatPValue(analysis.srm.pValue)}): the arms' sizes do not match their weights, ` +
        'so assignment or exposure logging is broken; do not trust these results until it is explained.',
    );
  }
  return lines;
}

function sentence(arm: ArmAnalysis, control: ArmAnalysis, metric: string, m: MetricComparison, alpha: number, level: number): string {
  const r = m.relative;
  const ci = `${level}% CI ${formatPercent(r.low)} … ${formatPercent(r.high)}, ${formatPValue(m.pValue.value, m.pValue.ln)}`;
  const seq = `sequential test: ${m.sequential.significant ? 'significant' : 'not significant yet'}`;
  if (!Number.isFinite(r.estimate)) return `${arm.arm} vs ${control.arm} on ${metric}: not enough data yet.`;
  const significant = m.pValue.value < alpha;
  if (m.guardrail) {
    const verb = !significant ? 'shows no significant change against' : r.estimate > 0 ? 'is worse than' : 'is better than';
    return `${arm.arm} ${verb} ${control.arm} on guardrail ${metric}: ${formatPercent(r.estimate)} (${ci}); ${seq}`;
  }
  if (!significant) {
    return `${arm.arm} shows no significant difference from ${control.arm} on ${metric}: ${formatPercent(r.estimate)} (${ci}); ${seq}`;
  }
  const verb = r.estimate > 0 ? 'beats' : 'loses to';
  return `${arm.arm} ${verb} ${control.arm} on ${metric} by ${formatPercent(r.estimate)} (${ci}); ${seq}`;
}
