import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { assertNever } from '../../core/index.js';
import {
  addObservation,
  analyzeArms,
  cuped,
  emptyMoments,
  type AnalysisOptions,
  type ArmInput,
  type CovariateSums,
  type ExperimentAnalysis,
  type MetricSpec,
  type Moments,
  proportionMoments,
} from '../stats/index.js';

/** What to analyse in a CSV of one row per unit (person): which column names the arm, which are metrics. */
export interface CsvAnalysisRequest {
  readonly armColumn: string;
  readonly control: string;
  readonly metrics: readonly string[];
  /** Configured weight per arm for the SRM check; equal weights when omitted. */
  readonly weights?: Readonly<Record<string, number>>;
  /** A pre-exposure column for CUPED; every metric is then adjusted by it. */
  readonly covariate?: string;
  readonly alpha?: number;
  readonly plannedPerArm?: number;
}

/** Why a CSV cannot be analysed: an expected failure, reported to the user, never thrown. */
export type CsvAnalysisProblem =
  | { readonly kind: 'missing_column'; readonly column: string; readonly columns: readonly string[] }
  | { readonly kind: 'not_a_number'; readonly column: string; readonly row: number; readonly value: string }
  | { readonly kind: 'no_control'; readonly control: string; readonly arms: readonly string[] }
  | { readonly kind: 'unknown_weight_arm'; readonly arm: string }
  | { readonly kind: 'too_few_arms'; readonly arms: readonly string[] }
  | { readonly kind: 'invalid_csv'; readonly message: string };

/** The analysis, or why there is none. */
export type CsvAnalysisResult = { readonly ok: true; readonly analysis: ExperimentAnalysis } | { readonly ok: false; readonly problem: CsvAnalysisProblem };

interface ArmAccumulator {
  n: number;
  moments: Moments[];
  pairs: { n: number; sumY: number; sumY2: number; sumX: number; sumX2: number; sumXY: number }[];
}

/**
 * Streams a finished campaign's CSV (header line, one row per unit) and analyses it: per arm and metric the
 * moments (Welford, one pass, constant memory per arm), then {@link analyzeArms}. A metric whose values are all
 * 0 or 1 is a rate (two-proportion z-test), any other a mean (Welch). Blank metric cells are an error, not 0:
 * a missing outcome silently read as "no conversion" biases the result.
 */
export async function analyzeCsv(input: Readable, request: CsvAnalysisRequest): Promise<CsvAnalysisResult> {
  const arms = new Map<string, ArmAccumulator>();
  const binary = request.metrics.map(() => true);
  let row = 0;
  try {
    const parser = input.pipe(parse({ columns: true, bom: true, skip_empty_lines: true, trim: true }));
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      row += 1;
      if (row === 1) {
        const columns = Object.keys(record);
        for (const column of [request.armColumn, ...request.metrics, ...(request.covariate ? [request.covariate] : [])]) {
          if (!(column in record)) return { ok: false, problem: { kind: 'missing_column', column, columns } };
        }
      }
      const armName = record[request.armColumn] ?? '';
      let arm = arms.get(armName);
      if (arm === undefined) {
        arm = {
          n: 0,
          moments: request.metrics.map(() => emptyMoments),
          pairs: request.metrics.map(() => ({ n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 })),
        };
        arms.set(armName, arm);
      }
      arm.n += 1;
      let x = 0;
      if (request.covariate !== undefined) {
        const parsed = numberCell(record, request.covariate, row);
        if (typeof parsed !== 'number') return { ok: false, problem: parsed };
        x = parsed;
      }
      for (let i = 0; i < request.metrics.length; i += 1) {
        const column = request.metrics[i] ?? '';
        const y = numberCell(record, column, row);
        if (typeof y !== 'number') return { ok: false, problem: y };
        if (y !== 0 && y !== 1) binary[i] = false;
        arm.moments[i] = addObservation(arm.moments[i] ?? emptyMoments, y);
        const p = arm.pairs[i];
        if (p !== undefined) {
          p.n += 1;
          p.sumY += y;
          p.sumY2 += y * y;
          p.sumX += x;
          p.sumX2 += x * x;
          p.sumXY += x * y;
        }
      }
    }
  } catch (e) {
    return { ok: false, problem: { kind: 'invalid_csv', message: e instanceof Error ? e.message : String(e) } };
  }
  // control first, then the others in natural order (1h, 24h, 72h, holdout), whatever the row order
  const collator = new Intl.Collator('en', { numeric: true });
  const names = [...arms.keys()].sort((a, b) => (a === request.control ? -1 : b === request.control ? 1 : collator.compare(a, b)));
  if (!arms.has(request.control)) return { ok: false, problem: { kind: 'no_control', control: request.control, arms: names } };
  if (names.length < 2) return { ok: false, problem: { kind: 'too_few_arms', arms: names } };
  for (const arm of Object.keys(request.weights ?? {})) {
    if (!arms.has(arm)) return { ok: false, problem: { kind: 'unknown_weight_arm', arm } };
  }
  const metricSpecs: MetricSpec[] = request.metrics.map((name, i) => ({
    name,
    kind: request.covariate === undefined && binary[i] ? 'proportion' : 'mean',
  }));
  const inputs: ArmInput[] = names.map((name) => {
    const acc = arms.get(name)!;
    const metrics: Record<string, Moments> = {};
    request.metrics.forEach((metric, i) => {
      // a rate from its exact integer count, so 100 of 1,000 is 0.1 and not Welford's 0.09999999999999992
      metrics[metric] = binary[i] ? proportionMoments(acc.n, acc.pairs[i]?.sumY ?? 0) : (acc.moments[i] ?? emptyMoments);
    });
    const weight = request.weights?.[name];
    return weight === undefined ? { arm: name, n: acc.n, metrics } : { arm: name, n: acc.n, weight, metrics };
  });
  if (request.covariate !== undefined) adjustWithCuped(inputs, names, arms, request.metrics);
  const options: AnalysisOptions = {
    control: request.control,
    ...(request.alpha !== undefined ? { alpha: request.alpha } : {}),
    ...(request.plannedPerArm !== undefined ? { plannedPerArm: request.plannedPerArm } : {}),
  };
  return { ok: true, analysis: analyzeArms(inputs, metricSpecs, options) };
}

/** Replaces each metric's moments by its CUPED-adjusted mean and per-unit variance (one θ per metric). */
function adjustWithCuped(inputs: ArmInput[], names: readonly string[], arms: ReadonlyMap<string, ArmAccumulator>, metrics: readonly string[]): void {
  metrics.forEach((metric, i) => {
    const sums: CovariateSums[] = names.map((name) => arms.get(name)?.pairs[i] ?? { n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 });
    const adjusted = cuped(sums);
    inputs.forEach((input, a) => {
      const arm = adjusted.arms[a];
      if (arm !== undefined) (input.metrics as Record<string, Moments>)[metric] = { n: arm.n, mean: arm.mean, m2: arm.variance * Math.max(arm.n - 1, 0) };
    });
  });
}

function numberCell(record: Record<string, string>, column: string, row: number): number | CsvAnalysisProblem {
  const text = record[column] ?? '';
  const value = text === '' ? Number.NaN : Number(text);
  return Number.isFinite(value) ? value : { kind: 'not_a_number', column, row, value: text };
}

/** A problem as one line for the user. */
export function describeCsvProblem(problem: CsvAnalysisProblem): string {
  switch (problem.kind) {
    case 'missing_column':
      return `no column "${problem.column}" (the header has: ${problem.columns.join(', ')})`;
    case 'not_a_number':
      return `row ${problem.row}, column "${problem.column}": ${JSON.stringify(problem.value)} is not a number (use 0/1 for conversions)`;
    case 'no_control':
      return `no row has the control arm "${problem.control}" (arms found: ${problem.arms.join(', ') || 'none'})`;
    case 'unknown_weight_arm':
      return `--weight names the arm "${problem.arm}", which has no rows`;
    case 'too_few_arms':
      return `need at least two arms to compare, found ${problem.arms.length === 0 ? 'none' : problem.arms.join(', ')}`;
    case 'invalid_csv':
      return `the file is not valid CSV: ${problem.message}`;
    default:
      return assertNever(problem);
  }
}
