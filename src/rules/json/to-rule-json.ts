import type { Condition, RuleJson } from '../ast/index.js';
import { RULE_JSON_VERSION } from '../ast/index.js';
import { stripSpans } from './strip-spans.js';

/** The canonical JSON form of a condition: `{ "version": 1, "condition": … }` with spans removed. */
export function toRuleJson(condition: Condition): RuleJson {
  return { version: RULE_JSON_VERSION, condition: stripSpans(condition) };
}
