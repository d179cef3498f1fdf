import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { lex, safeParseRule } from '../parser/index.js';
import { printRule, type PrintOptions } from './print-rule.js';

/** The result of {@link formatRuleText}: the canonical text, or why the text cannot be formatted. */
export type FormatResult =
  | { readonly ok: true; readonly text: string; readonly changed: boolean }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Formats a rule file: the rule printed canonically, with the comment lines above it and below it kept as
 * they are. Comments inside the rule would be lost (the tree does not hold them), so such text is refused
 * with a diagnostic rather than silently stripped. The result ends with one newline.
 */
export function formatRuleText(source: string, options: PrintOptions = {}): FormatResult {
  const parsed = safeParseRule(source);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics };
  const { tokens, comments } = lex(source);
  const first = tokens[0]!.span.offset;
  const last = tokens.length > 1 ? tokens[tokens.length - 2]! : tokens[0]!;
  const end = last.span.offset + last.span.length;
  const inner = comments.filter((c) => c.offset > first && c.offset < end);
  if (inner.length > 0) return { ok: false, diagnostics: inner.map((span) => diagnostic('RULE1028', [], { span })) };
  const text = (span: { offset: number; length: number }): string => source.slice(span.offset, span.offset + span.length).trimEnd();
  const above = comments.filter((c) => c.offset < first).map(text);
  const below = comments.filter((c) => c.offset >= end).map(text);
  const formatted = [...above, printRule(parsed.value, options), ...below].join('\n') + '\n';
  return { ok: true, text: formatted, changed: formatted !== source };
}
