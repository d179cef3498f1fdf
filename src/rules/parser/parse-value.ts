import type { CompareOp, Duration, Literal, NumberLiteral, StringLiteral, ValueTest, Window } from '../ast/index.js';
import type { Cursor } from './cursor.js';
import { describeToken, type Token } from './token.js';

const COMPARE_OPS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** True when the current token is a comparison operator. */
export function atCompareOp(c: Cursor): boolean {
  const t = c.peek();
  return t.type === 'punct' && COMPARE_OPS.has(t.text);
}

/** `=`, `!=`, `<`, `<=`, `>`, `>=`. */
export function parseCompareOp(c: Cursor, what: string): CompareOp {
  const t = c.peek();
  if (t.type === 'punct' && COMPARE_OPS.has(t.text)) {
    c.next();
    return t.text as CompareOp;
  }
  return c.failExpected(`a comparison (>=, >, =, !=, <, <=) after ${what}`);
}

/** A string, number, percentage, boolean or date. */
export function parseLiteral(c: Cursor): Literal {
  const t = c.peek();
  switch (t.type) {
    case 'string':
      if (t.bad) return c.fail('RULE1023', []);
      c.next();
      return { kind: 'string', value: t.value, span: t.span };
    case 'number':
      return parseNumberLiteral(c);
    case 'date':
      if (t.bad) return c.fail('RULE1023', []);
      c.next();
      return { kind: 'date', value: t.value, span: t.span };
    case 'ident':
      if (t.text === 'true' || t.text === 'false') {
        c.next();
        return { kind: 'boolean', value: t.text === 'true', span: t.span };
      }
      if (t.text === 'True' || t.text === 'False' || t.text === 'TRUE' || t.text === 'FALSE') {
        return c.fail('RULE1017', [t.text.toLowerCase(), t.text]);
      }
      return c.fail('RULE1023', [describeToken(t)], {
        hint: `Put text in double quotes: "${t.text}".`,
      });
    default:
      return c.fail('RULE1023', [describeToken(t)]);
  }
}

/** A number literal (percentages included). */
export function parseNumberLiteral(c: Cursor): NumberLiteral {
  const t = c.peek();
  if (t.type !== 'number') return c.failExpected('a number', t.type === 'string' ? 'Numbers are written without quotes.' : undefined);
  if (t.bad) return c.fail('RULE1023', []);
  c.next();
  return t.percent ? { kind: 'number', value: t.value, percent: true, span: t.span } : { kind: 'number', value: t.value, span: t.span };
}

/** A double-quoted string literal. */
export function parseStringLiteral(c: Cursor, what: string): StringLiteral {
  const t = c.peek();
  if (t.type !== 'string') return c.failExpected(what);
  if (t.bad) return c.fail('RULE1023', []);
  c.next();
  return { kind: 'string', value: t.value, span: t.span };
}

/** `[lit, lit, …]` (possibly empty; a trailing comma is allowed). */
function parseList(c: Cursor): Literal[] {
  const open = c.expectPunct('[', 'A list is written in brackets: ["a", "b"].');
  const values: Literal[] = [];
  while (!c.atPunct(']')) {
    if (c.peek().type === 'eof' || c.atWord('and') || c.atWord('or') || c.atPunct(')')) {
      return c.fail('RULE1009', [`line ${open.span.line}, column ${open.span.column}`, describeToken(c.peek())]);
    }
    values.push(parseLiteral(c));
    if (!c.acceptPunct(',') && !c.atPunct(']')) {
      if (c.peek().type === 'eof' || c.atWord('and') || c.atWord('or') || c.atPunct(')')) {
        return c.fail('RULE1009', [`line ${open.span.line}, column ${open.span.column}`, describeToken(c.peek())]);
      }
      return c.failExpected('"," or "]" in the list');
    }
  }
  c.next();
  return values;
}

/**
 * The test applied to a trait or property: `= v`, `!= v`, `< v`, …, `in [..]`, `not in [..]`, `contains "x"`,
 * `starts_with "x"`, `exists`, `is missing`.
 */
export function parseValueTest(c: Cursor, subject: string): ValueTest {
  const start = c.peek();
  if (atCompareOp(c)) {
    const op = parseCompareOp(c, subject);
    const value = parseLiteral(c);
    return { kind: 'compare', op, value, span: c.spanFrom(start) };
  }
  if (c.atWord('in') || (c.atWord('not') && c.atWord('in', 1))) {
    const negated = c.acceptWord('not');
    c.next();
    const values = parseList(c);
    return { kind: 'in', negated, values, span: c.spanFrom(start) };
  }
  if (c.atWord('contains') || c.atWord('starts_with')) {
    const kind = c.atWord('contains') ? 'contains' : 'starts_with';
    c.next();
    const value = parseStringLiteral(c, `a "string" after ${kind}`);
    return { kind, value, span: c.spanFrom(start) };
  }
  if (c.acceptWord('exists')) return { kind: 'exists', span: c.spanFrom(start) };
  if (c.atWord('is')) {
    c.next();
    if (c.acceptWord('missing')) return { kind: 'missing', span: c.spanFrom(start) };
    if (c.atWord('not') && c.atWord('missing', 1)) return c.failExpected('"missing"', 'Write exists instead of is not missing.');
    return c.failExpected('"missing" after "is"', 'To compare a value, write = instead of is.');
  }
  return c.failExpected(
    `a test after ${subject} (=, !=, <, <=, >, >=, in, not in, contains, starts_with, exists or is missing)`,
  );
}

/** One path segment: a name or a `quoted name`. */
function parseSegment(c: Cursor, what: string): string {
  const t = c.peek();
  if (t.type === 'ident') {
    c.next();
    return t.text;
  }
  if (t.type === 'quoted_ident') {
    if (t.bad) return c.fail('RULE1023', []);
    if (t.value === '') return c.fail('RULE1022', ['an empty name ``'], { hint: what });
    c.next();
    return t.value;
  }
  return c.fail('RULE1022', [describeToken(t)], { hint: what });
}

/** A dotted property path: `product_id`, `address.city`, `` `first name` ``. */
export function parsePath(c: Cursor, what = 'Names with spaces or symbols go in backticks: `first name`.'): string[] {
  const path = [parseSegment(c, what)];
  while (c.atPunct('.')) {
    c.next();
    path.push(parseSegment(c, what));
  }
  return path;
}

/** A duration such as `48h`; `after` names what it follows, for the message when it is missing. */
export function parseDuration(c: Cursor, after: string): Duration {
  const t: Token = c.peek();
  if (t.type !== 'duration') {
    if (t.type === 'number' && !t.bad) {
      return c.fail('RULE1012', [after], { hint: `Add a unit: ${t.text}d for days, ${t.text}h for hours.` });
    }
    return c.fail('RULE1012', [after]);
  }
  if (t.bad) return c.fail('RULE1023', []);
  if (!Number.isSafeInteger(t.amount) || t.amount <= 0) {
    return c.fail('RULE1020', [t.text], { hint: smallerUnitHint(t.amount, t.unit) });
  }
  c.next();
  return { amount: t.amount, unit: t.unit };
}

/** True when a window keyword is next. */
export function atWindow(c: Cursor): boolean {
  return c.atWord('within') || c.atWord('before') || c.atWord('between');
}

/** `within D`, `before D ago`, `between D ago and D ago`. */
export function parseWindow(c: Cursor): Window {
  const start = c.peek();
  if (c.acceptWord('within')) {
    const duration = parseDuration(c, '"within"');
    return { kind: 'within', duration, span: c.spanFrom(start) };
  }
  if (c.acceptWord('before')) {
    const duration = parseDuration(c, '"before"');
    c.expectWord('ago', `Write before ${durationText(duration)} ago.`);
    return { kind: 'before', duration, span: c.spanFrom(start) };
  }
  if (c.acceptWord('between')) {
    const from = parseDuration(c, '"between"');
    c.expectWord('ago', `Write between ${durationText(from)} ago and … ago.`);
    c.expectWord('and');
    const to = parseDuration(c, '"and"');
    c.expectWord('ago', `Write … and ${durationText(to)} ago.`);
    return { kind: 'between', from, to, span: c.spanFrom(start) };
  }
  return c.failExpected('a window (within 7d, before 30d ago, or between 30d ago and 7d ago)');
}

function durationText(d: Duration): string {
  return `${d.amount}${d.unit}`;
}

const SMALLER: Readonly<Record<string, readonly [number, string]>> = { w: [7, 'd'], d: [24, 'h'], h: [60, 'm'], m: [60, 's'] };

/** `1.5d` → "Write 36h instead.", when a smaller unit makes the amount whole. */
function smallerUnitHint(amount: number, unit: string): string | undefined {
  let [n, u] = [amount, unit];
  while (n > 0 && !Number.isInteger(n) && SMALLER[u]) {
    const [factor, smaller] = SMALLER[u]!;
    [n, u] = [Math.round(n * factor * 1e9) / 1e9, smaller];
  }
  return n > 0 && Number.isSafeInteger(n) && u !== unit ? `Write ${n}${u} instead.` : undefined;
}
