import type { Ok } from '../../core/index.js';
import type { Condition } from '../ast/index.js';
import { diagnostic, hasErrors, type Diagnostic } from '../diagnostics.js';
import { Cursor, NestingTooDeep, SyntaxFailure } from './cursor.js';
import { RESERVED_WORDS } from './keywords.js';
import { lex } from './lexer.js';
import { parseOr } from './parse-condition.js';
import { RuleSyntaxError } from './rule-syntax-error.js';
import { describeToken } from './token.js';

/** The longest rule text accepted, in UTF-16 code units (64 KiB). */
export const MAX_RULE_LENGTH = 65_536;

/** The result of {@link safeParseRule}: the condition and any warnings, or every diagnostic found. */
export type ParseResult = (Ok<Condition> | { readonly ok: false }) & { readonly diagnostics: readonly Diagnostic[] };

/**
 * Parses rule text into a condition with spans. Never throws: every problem in the input, however
 * malformed or large, is a diagnostic. Parsing goes on after an error to report all of them.
 */
export function safeParseRule(text: string): ParseResult {
  if (typeof text !== 'string') {
    return { ok: false, diagnostics: [diagnostic('RULE1023', [typeof text])] };
  }
  if (text.length > MAX_RULE_LENGTH) {
    return {
      ok: false,
      diagnostics: [
        diagnostic('RULE1015', [String(text.length), String(MAX_RULE_LENGTH)], {
          span: { offset: 0, length: 0, line: 1, column: 1 },
        }),
      ],
    };
  }
  const lexed = lex(text);
  const c = new Cursor(lexed.tokens);
  let condition: Condition | undefined;
  try {
    if (c.peek().type === 'eof') {
      c.report('RULE1024', [], { span: c.peek().span });
    } else {
      condition = parseOr(c, 'at the start of the rule');
      const t = c.peek();
      if (t.type !== 'eof' && !t.bad) {
        if (t.type === 'punct' && t.text === ')') {
          c.report('RULE1007', ['the end of the rule', '")" with no matching "("'], { span: t.span });
        } else if (t.type === 'ident' && t.text !== t.text.toLowerCase() && RESERVED_WORDS.has(t.text.toLowerCase())) {
          c.report('RULE1017', [t.text.toLowerCase(), t.text], { span: t.span });
        } else {
          const windowWord = t.type === 'ident' && ['within', 'before', 'between'].includes(t.text);
          c.report('RULE1014', [describeToken(t)], {
            span: t.span,
            hint: windowWord ? 'A window goes inside the parentheses: performed("Email Opened", within 7d).' : undefined,
          });
        }
        condition = undefined;
      }
    }
  } catch (e) {
    // Both are internal signals; anything else is a bug and must surface.
    if (!(e instanceof NestingTooDeep) && !(e instanceof SyntaxFailure)) throw e;
    condition = undefined;
  }
  const diagnostics = [...lexed.diagnostics, ...c.diagnostics].sort(
    (a, b) => (a.span?.offset ?? 0) - (b.span?.offset ?? 0),
  );
  if (condition === undefined || hasErrors(diagnostics)) {
    if (!hasErrors(diagnostics)) diagnostics.push(diagnostic('RULE1011', ['here', describeToken(c.peek())], { span: c.peek().span }));
    return { ok: false, diagnostics };
  }
  return { ok: true, value: condition, diagnostics };
}

/** Parses rule text into a condition, or throws a {@link RuleSyntaxError} carrying every diagnostic. */
export function parseRule(text: string): Condition {
  const result = safeParseRule(text);
  if (!result.ok) throw new RuleSyntaxError(result.diagnostics);
  return result.value;
}
