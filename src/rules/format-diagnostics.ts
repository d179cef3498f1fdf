import type { Diagnostic } from './diagnostics.js';

/**
 * Renders diagnostics the way a compiler does, for terminals and baseline files:
 *
 * ```
 * segment.rule:1:23 RULE1004 error: Unknown duration unit in 48x; use s, m, h, d or w (e.g. 48h).
 *   performed("A", within 48x)
 *                         ^^^
 *   hint: Write the unit as h.
 * ```
 *
 * The caret line copies the tabs of the source line so it stays aligned. Diagnostics without a span (from
 * JSON input) print their JSON path instead of a position.
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], source: string, fileName: string): string {
  const lines = source.split('\n');
  return diagnostics
    .map((d) => {
      const where = d.span ? `${fileName}:${d.span.line}:${d.span.column}` : `${fileName}${d.path ? `:${d.path}` : ''}`;
      const out = [`${where} ${d.code} ${d.severity}: ${d.message}`];
      if (d.span) {
        const line = (lines[d.span.line - 1] ?? '').replace(/\r$/, '');
        const before = line.slice(0, d.span.column - 1).replace(/[^\t]/g, ' ');
        const width = Math.max(1, Math.min(d.span.length, line.length - (d.span.column - 1)));
        out.push(`  ${line}`, `  ${before}${'^'.repeat(width)}`);
      }
      if (d.hint) out.push(`  hint: ${d.hint}`);
      if (d.fix) out.push(`  fix: ${d.fix.description}:`, ...d.fix.replacement.split('\n').map((l) => `    ${l}`));
      return out.join('\n');
    })
    .join('\n');
}

/** "2 errors, 1 warning", or "no problems". */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  if (errors + warnings === 0) return 'no problems';
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
}
