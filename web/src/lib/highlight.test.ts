import { describe, expect, it } from 'vitest';
import { analyzeRule } from '../../../src/rules/index.js';
import { highlight } from './highlight.js';
import type { Diagnostic } from './types.js';

/** Diagnostics as `POST /api/rules/check` returns them, from the real analyser. */
function check(text: string): Diagnostic[] {
  return analyzeRule(text).diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.span ? { line: d.span.line, column: d.span.column, offset: d.span.offset, length: d.span.length } : {}),
  }));
}

describe('highlight', () => {
  it('keeps the text intact, piece by piece', () => {
    const text = 'count("Product Viewed" where product_id = "X", within 48h) >= 2\n  and not performed("Order Completed", within 3d) # why';
    expect(highlight(text, []).map((p) => p.text).join('')).toBe(text);
  });

  it('colours calls, keywords, strings, numbers and comments from the lexer', () => {
    const pieces = highlight('performed("Email Opened", within 7d) and traits.age >= 25 # note', []);
    const cls = (t: string) => pieces.find((p) => p.text === t)?.cls;
    expect(cls('performed')).toBe('tok-function');
    expect(cls('"Email Opened"')).toBe('tok-string');
    expect(cls('within')).toBe('tok-keyword');
    expect(cls('7d')).toBe('tok-number');
    expect(cls('25')).toBe('tok-number');
    expect(cls('# note')).toBe('tok-comment');
  });

  it('marks exactly the characters of a diagnostic from the real checker', () => {
    const text = 'performed("Order Completed", within 3x)';
    const diagnostics = check(text);
    const marked = highlight(text, diagnostics).filter((p) => p.diag !== undefined);
    expect(marked.map((p) => [p.text, diagnostics[p.diag!]!.code, p.severity])).toEqual([['3x', 'RULE1004', 'error']]);
  });

  it('shows a diagnostic at the end of the text as an end marker when nothing is there to underline', () => {
    const text = 'traits.age >= ';
    const diagnostics = check(text);
    expect(diagnostics.length).toBeGreaterThan(0);
    const pieces = highlight(text, diagnostics);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.some((p) => p.diag !== undefined)).toBe(true);
  });
});
