import { formatPercent, formatPValue, verdictLines, type ExperimentAnalysis } from '../stats/index.js';

function formatMean(x: number, kind: 'proportion' | 'mean'): string {
  if (!Number.isFinite(x)) return 'n/a';
  return kind === 'proportion' ? `${(x * 100).toFixed(2)}%` : x.toPrecision(4);
}

/**
 * The report as text for a terminal: one table per metric (arm, n, mean or rate, relative lift with its CI,
 * p-value, sequential verdict), then the SRM line and the plain-language verdict.
 */
export function renderAnalysis(analysis: ExperimentAnalysis): string {
  const level = Math.round((1 - analysis.alpha) * 100);
  const out: string[] = [];
  for (const spec of analysis.metrics) {
    out.push(`${spec.name}${spec.guardrail ? ' (guardrail)' : ''} — ${spec.kind === 'proportion' ? 'rate, two-proportion z-test' : "mean, Welch's t-test"}`);
    const rows = [
      ['ARM', 'N', spec.kind === 'proportion' ? 'RATE' : 'MEAN', 'LIFT', `${level}% CI`, 'P', 'SEQUENTIAL'],
      ...analysis.arms.map((arm) => {
        const m = arm.metrics[spec.name];
        if (m === undefined) return [arm.arm, String(arm.n), '', '', '', '', ''];
        if (arm.isControl) return [`${arm.arm} (control)`, String(arm.n), formatMean(m.mean, m.kind), '', '', '', ''];
        return [
          arm.arm,
          String(arm.n),
          formatMean(m.mean, m.kind),
          formatPercent(m.relative.estimate),
          `${formatPercent(m.relative.low)} … ${formatPercent(m.relative.high)}`,
          formatPValue(m.pValue.value, m.pValue.ln).replace(/^p [=≈] /, ''),
          m.sequential.significant ? 'significant' : 'not yet',
        ];
      }),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    for (const r of rows) out.push(r.map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
    out.push('');
  }
  const srm = analysis.srm;
  out.push(
    srm.mismatch
      ? `Sample ratio: MISMATCH (chi-square ${srm.chiSquare.toFixed(1)}, ${formatPValue(srm.pValue)}) — do not trust these results.`
      : `Sample ratio: ok (chi-square ${srm.chiSquare.toFixed(2)}, ${formatPValue(srm.pValue)}).`,
  );
  out.push('');
  for (const line of verdictLines(analysis)) if (!line.startsWith('Sample ratio mismatch')) out.push(line);
  return out.join('\n');
}
