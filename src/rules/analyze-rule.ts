import type { Condition } from './ast/index.js';
import type { CheckContext } from './checker/index.js';
import { checkRule } from './checker/index.js';
import type { Diagnostic } from './diagnostics.js';
import { lintRule } from './linter/index.js';
import { safeParseRule } from './parser/index.js';

/** Everything known about a rule text: its condition when it parses, and all diagnostics in source order. */
export interface RuleAnalysis {
  readonly condition?: Condition;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses, checks and lints rule text in one call, as `segflow check` and the API's validation do.
 * Checker and linter run only on text that parses. Never throws.
 */
export function analyzeRule(text: string, context: CheckContext = {}): RuleAnalysis {
  const parsed = safeParseRule(text);
  if (!parsed.ok) return { diagnostics: parsed.diagnostics };
  const diagnostics = [...parsed.diagnostics, ...checkRule(parsed.value, context), ...lintRule(parsed.value)];
  // Stable sort: same-offset findings keep checker-before-linter order.
  diagnostics.sort((a, b) => (a.span?.offset ?? 0) - (b.span?.offset ?? 0));
  return { condition: parsed.value, diagnostics };
}
