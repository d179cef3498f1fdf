import type { DurationUnit, Span } from '../ast/index.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { isValidDateText } from '../date-text.js';
import type { Punct, Token } from './token.js';

/** The tokens of a rule text and the lexical errors found on the way (the lexer itself never throws). */
export interface LexResult {
  readonly tokens: readonly Token[];
  readonly diagnostics: readonly Diagnostic[];
  /** Where each `#` comment is (from `#` to the end of its line, newline excluded). */
  readonly comments: readonly Span[];
}

const UNITS: ReadonlySet<string> = new Set(['s', 'm', 'h', 'd', 'w']);
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '`': '`' };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isIdentPart = (c: string | undefined): boolean => isIdentStart(c) || isDigit(c);

/**
 * Splits rule text into tokens. `#` starts a comment running to the end of the line. Every problem becomes a
 * diagnostic plus, where a value was meant, a token marked `bad` so the parser can carry on silently.
 */
export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const comments: Span[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const spanAt = (start: number, end: number): Span => ({
    offset: start,
    length: end - start,
    line,
    column: start - lineStart + 1,
  });

  while (pos < text.length) {
    const c = text[pos] as string;
    if (c === '\n') {
      pos++;
      line++;
      lineStart = pos;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      pos++;
      continue;
    }
    if (c === '#') {
      const start = pos;
      while (pos < text.length && text[pos] !== '\n') pos++;
      comments.push(spanAt(start, pos));
      continue;
    }
    const start = pos;
    if (c === '"' || c === '`') {
      const r = readQuoted(text, pos, c);
      pos = r.end;
      const span = spanAt(start, pos);
      for (const p of r.problems) {
        diagnostics.push(
          p.kind === 'unterminated'
            ? diagnostic(c === '"' ? 'RULE1002' : 'RULE1026', [], { span })
            : p.kind === 'control'
              ? diagnostic('RULE1025', [], { span: spanAt(p.at, p.at + 1) })
              : diagnostic('RULE1003', [p.text], { span: spanAt(p.at, p.at + p.text.length) }),
        );
      }
      const bad = r.problems.length > 0 ? { bad: true as const } : {};
      tokens.push(c === '"' ? { type: 'string', value: r.value, span, ...bad } : { type: 'quoted_ident', value: r.value, span, ...bad });
      continue;
    }
    if (c === "'" || c === '\u2018' || c === '\u201c') {
      const close = c === "'" ? "'" : c === '\u2018' ? '\u2019' : '\u201d';
      let end = pos + 1;
      while (end < text.length && text[end] !== close && text[end] !== '\n') end++;
      if (text[end] === close) {
        const value = text.slice(pos + 1, end);
        pos = end + 1;
        const span = spanAt(start, pos);
        diagnostics.push(
          diagnostic('RULE1001', [JSON.stringify(c)], { span, hint: `Strings use straight double quotes: ${JSON.stringify(value)}.` }),
        );
        tokens.push({ type: 'string', value, span, bad: true });
        continue;
      }
    }
    if (isDigit(c) || (c === '-' && (isDigit(text[pos + 1]) || text[pos + 1] === '.'))) {
      pos = lexNumberLike(text, pos, spanAt, tokens, diagnostics);
      continue;
    }
    if (isIdentStart(c)) {
      while (isIdentPart(text[pos])) pos++;
      tokens.push({ type: 'ident', text: text.slice(start, pos), span: spanAt(start, pos) });
      continue;
    }
    const two = text.slice(pos, pos + 2);
    if (two === '!=' || two === '<=' || two === '>=') {
      pos += 2;
      tokens.push({ type: 'punct', text: two, span: spanAt(start, pos) });
      continue;
    }
    if (two === '==' || two === '&&' || two === '||' || two === '<>') {
      pos += 2;
      const instead = two === '==' ? '=' : two === '&&' ? 'and' : two === '||' ? 'or' : '!=';
      diagnostics.push(diagnostic('RULE1001', [`"${two}"`], { span: spanAt(start, pos), hint: `Write ${instead} instead.` }));
      // Stand in for the intended operator so the parser reports nothing more here.
      tokens.push(
        instead === 'and' || instead === 'or'
          ? { type: 'ident', text: instead, span: spanAt(start, pos) }
          : { type: 'punct', text: instead as Punct, span: spanAt(start, pos) },
      );
      continue;
    }
    if ('()[],./=<>'.includes(c)) {
      pos++;
      tokens.push({ type: 'punct', text: c as Punct, span: spanAt(start, pos) });
      continue;
    }
    // One diagnostic per run of unknown characters, not per character. Surrogate pairs stay whole.
    pos += text.codePointAt(pos)! > 0xffff ? 2 : 1;
    while (pos < text.length && isJunk(text, pos)) pos += text.codePointAt(pos)! > 0xffff ? 2 : 1;
    const junk = text.slice(start, pos);
    diagnostics.push(
      diagnostic('RULE1001', [JSON.stringify(junk)], {
        span: spanAt(start, pos),
        hint: junk.startsWith("'") || junk.startsWith('\u201c') ? 'Strings use straight double quotes: "like this".' : undefined,
      }),
    );
  }
  // The end is reported just after the last token, where the missing part belongs, not on a trailing blank line.
  const last = tokens[tokens.length - 1];
  const eofSpan: Span = last
    ? { offset: last.span.offset + last.span.length, length: 0, line: last.span.line, column: last.span.column + last.span.length }
    : { offset: 0, length: 0, line: 1, column: 1 };
  tokens.push({ type: 'eof', span: eofSpan });
  return { tokens, diagnostics, comments };
}

function isJunk(text: string, pos: number): boolean {
  const c = text[pos] as string;
  if (c === '\n' || c === ' ' || c === '\t' || c === '\r' || c === '#' || c === '"' || c === '`') return false;
  if (isIdentStart(c) || isDigit(c) || '()[],./=<>!-'.includes(c)) return false;
  return true;
}

type QuoteProblem =
  | { readonly kind: 'unterminated' }
  | { readonly kind: 'control'; readonly at: number }
  | { readonly kind: 'escape'; readonly at: number; readonly text: string };

function readQuoted(text: string, start: number, quote: string): { value: string; end: number; problems: QuoteProblem[] } {
  const problems: QuoteProblem[] = [];
  let value = '';
  let pos = start + 1;
  for (;;) {
    const c = text[pos];
    if (c === undefined || c === '\n') {
      problems.push({ kind: 'unterminated' });
      return { value, end: pos, problems };
    }
    if (c === quote) return { value, end: pos + 1, problems };
    if (c === '\\') {
      const e = text[pos + 1];
      if (e === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          value += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else {
          problems.push({ kind: 'escape', at: pos, text: text.slice(pos, pos + 2) });
          pos += 2;
        }
        continue;
      }
      const mapped = e === undefined || e === '\n' ? undefined : ESCAPES[e];
      if (mapped === undefined || (e === '`' && quote !== '`')) {
        problems.push({ kind: 'escape', at: pos, text: e === undefined || e === '\n' ? '\\' : text.slice(pos, pos + 2) });
        pos += e === undefined || e === '\n' ? 1 : 2;
        continue;
      }
      value += mapped;
      pos += 2;
      continue;
    }
    if (c < ' ') {
      problems.push({ kind: 'control', at: pos });
      pos++;
      continue;
    }
    value += c;
    pos++;
  }
}

function lexNumberLike(
  text: string,
  start: number,
  spanAt: (start: number, end: number) => Span,
  tokens: Token[],
  diagnostics: Diagnostic[],
): number {
  let pos = start;
  // A date: four digits and a dash, then everything a date or ISO instant may contain.
  if (isDigit(text[pos]) && isDigit(text[pos + 1]) && isDigit(text[pos + 2]) && isDigit(text[pos + 3]) && text[pos + 4] === '-') {
    pos += 4;
    while (pos < text.length && /[0-9TZ:.+-]/.test(text[pos] as string)) pos++;
    const value = text.slice(start, pos);
    const span = spanAt(start, pos);
    if (isValidDateText(value)) {
      tokens.push({ type: 'date', value, span });
    } else {
      diagnostics.push(diagnostic('RULE1006', [value], { span }));
      tokens.push({ type: 'date', value, span, bad: true });
    }
    return pos;
  }
  if (text[pos] === '-') pos++;
  while (isDigit(text[pos])) pos++;
  if (text[pos] === '.' && isDigit(text[pos + 1])) {
    pos++;
    while (isDigit(text[pos])) pos++;
  }
  if ((text[pos] === 'e' || text[pos] === 'E') && (isDigit(text[pos + 1]) || ((text[pos + 1] === '+' || text[pos + 1] === '-') && isDigit(text[pos + 2])))) {
    pos += 2;
    while (isDigit(text[pos])) pos++;
  }
  const numText = text.slice(start, pos);
  const n = Number(numText);
  if (text[pos] === '%') {
    pos++;
    const span = spanAt(start, pos);
    if (!Number.isFinite(n)) diagnostics.push(diagnostic('RULE1005', [text.slice(start, pos)], { span }));
    tokens.push({ type: 'number', value: n / 100, percent: true, text: text.slice(start, pos), span, ...(Number.isFinite(n) ? {} : { bad: true as const }) });
    return pos;
  }
  if (isIdentStart(text[pos])) {
    const unitStart = pos;
    while (isIdentPart(text[pos])) pos++;
    const unit = text.slice(unitStart, pos);
    const span = spanAt(start, pos);
    if (UNITS.has(unit)) {
      tokens.push({ type: 'duration', amount: n, unit: unit as DurationUnit, text: text.slice(start, pos), span });
    } else {
      diagnostics.push(diagnostic('RULE1004', [text.slice(start, pos)], { span, hint: unitHint(unit) }));
      tokens.push({ type: 'duration', amount: n, unit: 'd', text: text.slice(start, pos), span, bad: true });
    }
    return pos;
  }
  const span = spanAt(start, pos);
  if (!Number.isFinite(n) || numText === '-') {
    diagnostics.push(diagnostic('RULE1005', [numText], { span }));
    tokens.push({ type: 'number', value: 0, percent: false, text: numText, span, bad: true });
  } else {
    tokens.push({ type: 'number', value: n, percent: false, text: numText, span });
  }
  return pos;
}

function unitHint(unit: string): string | undefined {
  const map: Readonly<Record<string, string>> = {
    sec: 's', secs: 's', second: 's', seconds: 's', min: 'm', mins: 'm', minute: 'm', minutes: 'm', hr: 'h', hrs: 'h',
    hour: 'h', hours: 'h', day: 'd', days: 'd', week: 'w', weeks: 'w', ms: 's', y: 'd', mo: 'd',
  };
  const u = Object.hasOwn(map, unit) ? map[unit] : undefined;
  return u ? `Write the unit as ${u}.` : undefined;
}
