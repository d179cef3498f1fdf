/**
 * Formatting and shaping of experiment reports for the pages: percentages and p-values written as the CLI and the
 * verdict write them, a one-line summary of a report for the list, and the per-arm cumulative series aligned on
 * one day axis for the chart.
 */
import type { ArmSeriesPoint, ExperimentReport } from './types.js';

/** A relative change: "+18%", "−3.2%", "0%", "n/a" (the digits the verdict uses). */
export function fmtLift(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const pct = x * 100;
  const digits = Math.abs(pct) >= 10 ? 0 : Math.abs(pct) >= 1 ? 1 : 2;
  const text = Math.abs(pct).toFixed(digits);
  if (Number(text) === 0) return '0%';
  return `${pct < 0 ? '−' : '+'}${text}%`;
}

/** A rate as a percentage with two decimals ("12.50%"), or a mean with four significant digits. */
export function fmtMean(x: number | null | undefined, kind: 'proportion' | 'mean'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  return kind === 'proportion' ? `${(x * 100).toFixed(2)}%` : x.toPrecision(4);
}

/** A p-value for people: "0.032", "4.1e-7"; below the smallest double, from its log10 ("≈ 1e-412"). */
export function fmtP(p: number | null | undefined, log10?: number | null): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return 'n/a';
  if (p === 0 && log10 !== null && log10 !== undefined && Number.isFinite(log10)) return `≈ 1e${Math.round(log10)}`;
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1);
}

/** The list's one-line verdict: the split's health first, then the first metric's best significant arm. */
export function reportHeadline(report: ExperimentReport): { text: string; tone: 'good' | 'bad' | 'neutral' } {
  if (report.srm.mismatch) return { text: `Sample ratio mismatch (p = ${fmtP(report.srm.pValue)}): do not trust`, tone: 'bad' };
  const metric = report.experiment.definition.metrics.find((m) => !m.guardrail)?.name;
  const exposed = report.arms.reduce((sum, a) => sum + a.n, 0);
  if (metric === undefined || exposed === 0) return { text: 'No exposures yet', tone: 'neutral' };
  let best: { arm: string; lift: number; seq: boolean } | undefined;
  for (const arm of report.arms) {
    const m = arm.metrics[metric];
    if (arm.control || arm.holdout || !m || m.pValue === null || m.lift === null || m.pValue >= report.alpha) continue;
    if (!best || m.lift > best.lift) best = { arm: arm.arm, lift: m.lift, seq: m.sequential.significant };
  }
  if (!best) return { text: `No significant difference on ${metric} yet`, tone: 'neutral' };
  const verb = best.lift > 0 ? 'beats' : 'loses to';
  return {
    text: `${best.arm} ${verb} ${report.control} on ${metric} by ${fmtLift(best.lift)}${best.seq ? ' (sequential: significant)' : ' (sequential: not yet)'}`,
    tone: best.lift > 0 ? 'good' : 'bad',
  };
}

/** Cumulative series of every arm on one day axis: x in epoch seconds, per arm exposures and a conversion rate. */
export interface AlignedSeries {
  readonly days: readonly string[];
  readonly x: readonly number[];
  readonly arms: readonly { readonly arm: string; readonly exposures: readonly number[]; readonly converters: readonly number[]; readonly rate: readonly (number | null)[] }[];
}

/**
 * Aligns the arms' cumulative points (each arm lists only the days it changed) on the union of their days: a
 * day an arm did not change repeats its previous total, and before its first day the total is 0. The rate is
 * the metric's converters over exposures, null while nobody is exposed.
 */
export function alignSeries(series: Readonly<Record<string, readonly ArmSeriesPoint[]>>, arms: readonly string[], metric: string | undefined): AlignedSeries {
  const days = [...new Set(arms.flatMap((a) => (series[a] ?? []).map((p) => p.day)))].sort();
  return {
    days,
    x: days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000),
    arms: arms.map((arm) => {
      const points = series[arm] ?? [];
      const exposures: number[] = [];
      const converters: number[] = [];
      let i = 0;
      let last: ArmSeriesPoint | undefined;
      for (const day of days) {
        while (i < points.length && points[i]!.day <= day) last = points[i++];
        exposures.push(last?.exposures ?? 0);
        converters.push(metric === undefined ? 0 : (last?.converters[metric] ?? 0));
      }
      return { arm, exposures, converters, rate: exposures.map((n, k) => (n === 0 ? null : converters[k]! / n)) };
    }),
  };
}
