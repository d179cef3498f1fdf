/**
 * @module
 * The printer: canonical rule text from a condition tree, the inverse of the parser
 * (`parseRule(printRule(c))` equals `c` without spans) and idempotent.
 */
export { printCondition, printDuration, printFilter, printLiteral, printNumber, printPath, printRule, printSelector, printWindow } from './print-rule.js';
export type { PrintOptions } from './print-rule.js';
export { formatRuleText } from './format-rule-text.js';
export type { FormatResult } from './format-rule-text.js';
