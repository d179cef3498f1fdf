import type { Diagnostic } from '../diagnostics.js';

/** Thrown by `parseRule` when the text is not a valid rule; carries every diagnostic found. */
export class RuleSyntaxError extends Error {
  readonly code = 'RULE_SYNTAX';
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const where = first?.span ? ` (line ${first.span.line}, column ${first.span.column})` : '';
    const more = errors.length > 1 ? ` and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''}` : '';
    super(first ? `${first.code}: ${first.message}${where}${more}` : 'invalid rule');
    this.name = 'RuleSyntaxError';
    this.diagnostics = diagnostics;
  }
}
