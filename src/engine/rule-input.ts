import type { Diagnostic } from '../rules/index.js';
import { checkRule, fromRuleJson, hasErrors, printRule, safeParseRule, toRuleJson } from '../rules/index.js';
import type { Condition, RuleJson } from '../rules/index.js';
import type { RuleProblem } from './segment-service.js';

/** A rule accepted from a caller: its condition, canonical text and JSON, and any warnings. */
export type AcceptedRule =
  | { readonly ok: true; readonly condition: Condition; readonly text: string; readonly json: RuleJson; readonly warnings: RuleProblem[] }
  | { readonly ok: false; readonly problems: RuleProblem[] };

/** A diagnostic as the segment API reports it. */
export function toProblem(d: Diagnostic): RuleProblem {
  return {
    code: d.code,
    severity: d.severity,
    message: d.path === undefined ? d.message : `${d.path}: ${d.message}`,
    ...(d.span ? { line: d.span.line, column: d.span.column, length: d.span.length } : {}),
  };
}

/**
 * Parses rule text or reads the canonical JSON form, then checks it against the workspace's other segments
 * (unknown references and cycles are errors): the one gate every saved or dry-run rule passes.
 */
export function acceptRule(
  rule: string | { readonly version: number; readonly condition: unknown },
  segmentName: string,
  others: ReadonlyMap<string, Condition>,
): AcceptedRule {
  const parsed = typeof rule === 'string' ? safeParseRule(rule) : fromRuleJson(rule);
  if (!parsed.ok) return { ok: false, problems: parsed.diagnostics.map(toProblem) };
  const parseWarnings: readonly Diagnostic[] = 'diagnostics' in parsed ? (parsed.diagnostics as readonly Diagnostic[]) : [];
  const checked = checkRule(parsed.value, { segments: others, segmentName });
  const all = [...parseWarnings, ...checked];
  if (hasErrors(all)) return { ok: false, problems: all.filter((d) => d.severity === 'error').map(toProblem) };
  const json = toRuleJson(parsed.value);
  return { ok: true, condition: json.condition, text: printRule(json.condition), json, warnings: all.map(toProblem) };
}
