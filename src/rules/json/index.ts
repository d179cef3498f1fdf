/**
 * @module
 * The canonical JSON form of a rule, `{ "version": 1, "condition": <tree without spans> }`: `toRuleJson`
 * writes it, `fromRuleJson` reads and fully validates untrusted input without ever throwing.
 */
export { fromRuleJson, MAX_JSON_NODES } from './from-rule-json.js';
export type { FromJsonResult } from './from-rule-json.js';
export { stripSpans } from './strip-spans.js';
export { toRuleJson } from './to-rule-json.js';
