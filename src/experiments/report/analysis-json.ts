import type { ExperimentAnalysis } from '../stats/index.js';

/** One metric of one arm in the compact JSON form. Numbers that cannot be estimated are null. */
export interface MetricJson {
  readonly mean: number | null;
  /** Relative lift against control (0.25 = +25%); 0 for the control. */
  readonly lift: number | null;
  readonly liftLow: number | null;
  readonly liftHigh: number | null;
  readonly pValue: number | null;
}

/**
 * The compact JSON form of an analysis, exactly
 * `{"arms":[{"arm","n","metrics":{"<metric>":{"mean","lift","liftLow","liftHigh","pValue"}}}],"srm":{"pValue"}}`
 * — what `segflow experiments analyze --json` prints. The full report (both intervals, the sequential test, the
 * verdict) is the API's `GET /api/experiments/{id}/report`.
 */
export interface AnalysisJson {
  readonly arms: readonly { readonly arm: string; readonly n: number; readonly metrics: Readonly<Record<string, MetricJson>> }[];
  readonly srm: { readonly pValue: number };
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Builds the compact JSON form. */
export function analysisJson(analysis: ExperimentAnalysis): AnalysisJson {
  return {
    arms: analysis.arms.map((arm) => {
      const metrics: Record<string, MetricJson> = {};
      for (const spec of analysis.metrics) {
        const m = arm.metrics[spec.name];
        if (m === undefined) continue;
        metrics[spec.name] = {
          mean: num(m.mean),
          lift: num(m.relative.estimate),
          liftLow: num(m.relative.low),
          liftHigh: num(m.relative.high),
          pValue: num(m.pValue.value),
        };
      }
      return { arm: arm.arm, n: arm.n, metrics };
    }),
    srm: { pValue: analysis.srm.pValue },
  };
}
