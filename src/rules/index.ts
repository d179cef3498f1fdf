/**
 * @module
 * The rule language, a pure library used by the engine: the syntax tree (`ast/`), the evaluation input types
 * (`history.ts`), and the tools around rule text — parser, printer, canonical JSON form, checker, linter and
 * the catalogue of diagnostic codes. Nothing here performs I/O or executes code.
 */
export * from './ast/index.js';
export type * from './history.js';
export * from './evaluator/index.js';
export * from './diagnostics.js';
export * from './parser/index.js';
export * from './printer/index.js';
export * from './json/index.js';
export * from './checker/index.js';
export * from './linter/index.js';
export { formatDiagnostics, summarizeDiagnostics } from './format-diagnostics.js';
export { closestMatch, editDistance } from './edit-distance.js';
export { analyzeRule } from './analyze-rule.js';
export type { RuleAnalysis } from './analyze-rule.js';
