/**
 * Syntax highlighting and diagnostic underlines for rule text, from segflow's own lexer (the same code the
 * server parses with, bundled into the app), so colours and token boundaries always agree with the checker.
 */
import { lex } from '../../../src/rules/parser/lexer.js';
import { CONDITION_WORDS } from '../../../src/rules/parser/keywords.js';
import type { Diagnostic } from './types.js';

const CONDITIONS: ReadonlySet<string> = new Set(CONDITION_WORDS);
const OPERATORS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'then', 'within', 'where', 'by', 'in', 'is', 'before', 'after', 'ago', 'between', 'min', 'missing', 'exists', 'contains', 'starts_with']);

/** A run of text with one set of classes. `diag` is the index of the diagnostic underlining it, if any. */
export interface Piece {
  readonly text: string;
  readonly cls: string;
  readonly diag?: number;
  readonly severity?: 'error' | 'warning';
}

function tokenClass(type: string, text: string): string {
  switch (type) {
    case 'string':
      return 'tok-string';
    case 'number':
    case 'duration':
    case 'date':
      return 'tok-number';
    case 'punct':
      return 'tok-punct';
    case 'quoted_ident':
      return 'tok-field';
    case 'ident':
      if (CONDITIONS.has(text)) return 'tok-function';
      if (OPERATORS.has(text)) return 'tok-keyword';
      if (text === 'true' || text === 'false' || text === 'null') return 'tok-number';
      return 'tok-field';
    default:
      return '';
  }
}

/**
 * Splits `text` into pieces for display: token classes from the lexer, and each diagnostic's span marked with
 * its index and severity (an error wins over a warning where they overlap). A diagnostic of length 0 (e.g.
 * "expected … at the end") is shown on the character before it, or as an empty marker at the end.
 */
export function highlight(text: string, diagnostics: readonly Diagnostic[]): Piece[] {
  const n = text.length;
  const cls: string[] = new Array<string>(n).fill('');
  const { tokens, comments } = lex(text);
  for (const t of tokens) {
    if (t.type === 'eof') continue;
    const c = tokenClass(t.type, 'text' in t ? String(t.text) : '');
    for (let i = t.span.offset; i < t.span.offset + t.span.length && i < n; i++) cls[i] = c;
  }
  for (const c of comments) for (let i = c.offset; i < c.offset + c.length && i < n; i++) cls[i] = 'tok-comment';
  const diagAt: (number | undefined)[] = new Array<number | undefined>(n).fill(undefined);
  let endMarker: number | undefined;
  diagnostics.forEach((d, index) => {
    if (d.offset === undefined) return;
    let from = d.offset;
    let to = d.offset + Math.max(d.length ?? 0, 0);
    if (to === from) {
      if (from >= n) {
        if (n === 0 || /\s/.test(text[n - 1]!)) {
          if (endMarker === undefined) endMarker = index;
          return;
        }
        from = n - 1;
      }
      to = from + 1;
    }
    for (let i = from; i < Math.min(to, n); i++) {
      const existing = diagAt[i];
      if (existing === undefined || (diagnostics[existing]!.severity === 'warning' && d.severity === 'error')) diagAt[i] = index;
    }
  });
  const pieces: Piece[] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || cls[i] !== cls[start] || diagAt[i] !== diagAt[start]) {
      const d = diagAt[start];
      pieces.push({
        text: text.slice(start, i),
        cls: cls[start]!,
        ...(d === undefined ? {} : { diag: d, severity: diagnostics[d]!.severity }),
      });
      start = i;
    }
  }
  if (endMarker !== undefined) pieces.push({ text: '', cls: '', diag: endMarker, severity: diagnostics[endMarker]!.severity });
  return pieces;
}
