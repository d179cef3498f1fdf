/**
 * @module
 * Experiments: A/B tests of segment definitions (trigger thresholds, windows) with holdouts, and their
 * statistics. `stats/` is the pure statistics library (lifts, tests, SRM, sequential inference, CUPED, sample
 * sizes); `offline/` analyses a finished campaign from a CSV; `report/` turns an analysis into JSON, text and
 * a plain-language verdict. See docs/experiments.md.
 */
export * from './stats/index.js';
export { analyzeCsv, describeCsvProblem } from './offline/analyze-csv.js';
export type { CsvAnalysisProblem, CsvAnalysisRequest, CsvAnalysisResult } from './offline/analyze-csv.js';
export { analysisJson } from './report/analysis-json.js';
export type { AnalysisJson, MetricJson } from './report/analysis-json.js';
export { renderAnalysis } from './report/render-analysis.js';
export * from './live/index.js';
