import type { RuleProblem, SegmentInput, SegmentService } from '../../engine/index.js';
import { retentionFindings } from '../../privacy/index.js';
import { diagnostic, fromRuleJson, lintExclusiveGroups, lintRule, safeParseRule, type Diagnostic } from '../../rules/index.js';

/** A diagnostic in the API's `warnings` form (the same codes `segflow check` prints). */
function toProblem(d: Diagnostic): RuleProblem {
  return {
    code: d.code,
    severity: d.severity,
    message: d.path === undefined ? d.message : `${d.path}: ${d.message}`,
    ...(d.span ? { line: d.span.line, column: d.span.column, length: d.span.length } : {}),
  };
}

/**
 * The linter's warnings for a segment as it is (or would be) saved: the rule's own (RULE3001–3006, with
 * positions in the rule text when the rule came as text) and ties on priority in its exclusive group (RULE3007)
 * against the workspace's other segments, and what it reads further back than the workspace's event retention
 * keeps (RULE3008, one per finding of `retentionFindings`; none without a retention). Added to what the service
 * reports (parser and checker warnings), without repeating any.
 */
export async function lintSegment(
  segments: SegmentService,
  workspaceId: string,
  input: SegmentInput,
  serviceWarnings: readonly RuleProblem[],
  retentionDays: number | null = null,
): Promise<RuleProblem[]> {
  const parsed = typeof input.rule === 'string' ? safeParseRule(input.rule) : fromRuleJson(input.rule);
  const ruleFindings = parsed.ok ? lintRule(parsed.value) : [];
  if (parsed.ok && retentionDays !== null) {
    for (const finding of retentionFindings(parsed.value, retentionDays)) ruleFindings.push(diagnostic('RULE3008', [finding]));
  }
  const others = (await segments.list(workspaceId)).filter((s) => s.name !== input.name);
  const groupFindings = lintExclusiveGroups([...others, { name: input.name, group: input.group ?? null, priority: input.priority ?? 0 }], input.name);
  const out = [...serviceWarnings];
  const seen = new Set(out.map((w) => `${w.code}|${w.message}|${w.line ?? ''}|${w.column ?? ''}`));
  for (const problem of [...ruleFindings, ...groupFindings].map(toProblem)) {
    const key = `${problem.code}|${problem.message}|${problem.line ?? ''}|${problem.column ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}
