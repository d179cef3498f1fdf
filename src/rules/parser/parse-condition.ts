import type { Condition, Metric, Span, Window } from '../ast/index.js';
import { closestMatch } from '../edit-distance.js';
import { SyntaxFailure, type Cursor } from './cursor.js';
import { CONDITION_WORDS, RESERVED_WORDS } from './keywords.js';
import { parseExperimentArm } from './parse-experiment-arm.js';
import { parseEventProperty, parseSelector } from './parse-filter.js';
import {
  atCompareOp,
  atWindow,
  parseCompareOp,
  parseDuration,
  parseNumberLiteral,
  parsePath,
  parseStringLiteral,
  parseValueTest,
  parseWindow,
} from './parse-value.js';
import { describeToken, type Token } from './token.js';

/**
 * A condition: `or` binds loosest, then `and`, then `not`. Returns undefined when a part failed to parse
 * (the failure is already recorded; parsing went on to find further errors).
 */
export function parseOr(c: Cursor, context: string): Condition | undefined {
  const start = c.peek();
  const first = parseAnd(c, context);
  if (!c.atWord('or')) return first;
  const conditions = [first];
  while (c.acceptWord('or')) conditions.push(parseAnd(c, 'after "or"'));
  return allDefined(conditions) ? { kind: 'or', conditions, span: c.spanFrom(start) } : undefined;
}

function parseAnd(c: Cursor, context: string): Condition | undefined {
  const start = c.peek();
  const first = parseOperand(c, context);
  if (!c.atWord('and')) return first;
  const conditions = [first];
  while (c.acceptWord('and')) conditions.push(parseOperand(c, 'after "and"'));
  return allDefined(conditions) ? { kind: 'and', conditions, span: c.spanFrom(start) } : undefined;
}

/** One operand of and/or; the sync point of error recovery (skip to the next `and`, `or` or `)`). */
function parseOperand(c: Cursor, context: string): Condition | undefined {
  try {
    return parseUnary(c, context);
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    c.skipUntil(['and', 'or'], [')']);
    return undefined;
  }
}

function parseUnary(c: Cursor, context: string): Condition | undefined {
  const start = c.peek();
  if (c.acceptWord('not')) {
    c.enter();
    const condition = parseUnary(c, 'after "not"');
    c.leave();
    return condition && { kind: 'not', condition, span: c.spanFrom(start) };
  }
  return parsePrimary(c, context);
}

function parsePrimary(c: Cursor, context: string): Condition | undefined {
  const t = c.peek();
  if (t.type === 'punct' && t.text === '(') {
    c.next();
    c.enter();
    const inner = parseOr(c, 'after "("');
    c.leave();
    if (!c.atPunct(')')) missingParen(c, t);
    c.next();
    return inner;
  }
  if (t.type === 'string') return parseSequence(c);
  if (t.type !== 'ident') return c.fail('RULE1011', [context, describeToken(t)]);
  switch (t.text) {
    case 'traits':
      return parseTrait(c);
    case 'performed':
    case 'first_performed':
      return parsePerformed(c, t.text);
    case 'lapsed':
      return parseLapsed(c);
    case 'count':
    case 'sum':
    case 'avg':
    case 'min':
    case 'max':
    case 'rate':
    case 'score':
      return parseMetric(c, t.text);
    case 'last_seen':
    case 'first_seen': {
      c.next();
      const window = parseWindow(c);
      return { kind: 'seen', which: t.text === 'first_seen' ? 'first' : 'last', window, span: c.spanFrom(t) };
    }
    case 'in_segment': {
      c.next();
      const segment = parseCall(c, 'in_segment', 'in_segment("VIP")', () =>
        parseStringLiteral(c, 'a segment name in double quotes'),
      );
      return segment && { kind: 'in_segment', segment: segment.value, span: c.spanFrom(t) };
    }
    case 'consent': {
      c.next();
      const category = parseCall(c, 'consent', 'consent("marketing")', () => parseStringLiteral(c, 'a consent category in double quotes'));
      return category && { kind: 'consent', category: category.value, span: c.spanFrom(t) };
    }
    case 'in_experiment_arm':
      return parseExperimentArm(c, parseCall);
    case 'subscribed':
    case 'email_eligible':
      c.next();
      return { kind: 'subscription', state: t.text, span: t.span };
    default:
      return unknownWord(c, t, context);
  }
}

function unknownWord(c: Cursor, t: Token & { type: 'ident' }, context: string): never {
  const lower = t.text.toLowerCase();
  if (lower !== t.text && RESERVED_WORDS.has(lower)) return c.fail('RULE1017', [lower, t.text]);
  const next = c.peek(1);
  const looksLikeTest =
    atCompareOpAt(next) ||
    (next.type === 'punct' && next.text === '.') ||
    (next.type === 'ident' && ['in', 'contains', 'starts_with', 'exists', 'is'].includes(next.text));
  if (looksLikeTest && !RESERVED_WORDS.has(t.text)) {
    return c.fail('RULE1010', [`"${t.text}"`, `trait conditions start with traits., e.g. traits.${t.text}.`]);
  }
  if (RESERVED_WORDS.has(t.text)) return c.fail('RULE1011', [context, describeToken(t)]);
  const guess = closestMatch(t.text, CONDITION_WORDS);
  return c.fail('RULE1010', [`"${t.text}"`, guess ? `did you mean ${guess}?` : `a condition starts with one of ${CONDITION_WORDS.join(', ')}, or an event name in double quotes.`]);
}

function atCompareOpAt(t: Token): boolean {
  return t.type === 'punct' && ['=', '!=', '<', '<=', '>', '>='].includes(t.text);
}

function missingParen(c: Cursor, open: Token): never {
  return c.fail('RULE1008', [`line ${open.span.line}, column ${open.span.column}`, describeToken(c.peek())]);
}

/**
 * `name( … )`: parses the arguments with `body`. An error inside skips to the matching `)`, so one bad
 * argument does not hide errors later in the rule. A missing `)` is reported without skipping.
 */
function parseCall<T>(c: Cursor, name: string, example: string, body: () => T): T | undefined {
  const open = c.expectPunct('(', `Write ${example}.`);
  let result: T;
  try {
    result = body();
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    c.skipUntil([], [')']);
    c.acceptPunct(')');
    return undefined;
  }
  if (c.acceptPunct(')')) return result;
  const t = c.peek();
  if (t.type === 'eof' || (t.type === 'ident' && (t.text === 'and' || t.text === 'or'))) {
    if (!t.bad) c.report('RULE1008', [`line ${open.span.line}, column ${open.span.column}`, describeToken(t)], { span: t.span });
    return undefined;
  }
  return c.failExpected(`"," or ")" in ${name}(…)`);
}

interface CallOptions {
  window?: Window;
  min?: number;
}

/** `, within 7d`, `, min 5` after the first argument of a call. */
function parseOptions(c: Cursor, fn: string, allowMin: boolean): CallOptions {
  const out: CallOptions = {};
  while (c.acceptPunct(',')) {
    const t = c.peek();
    if (atWindow(c)) {
      if (out.window) c.report('RULE1018', ['window'], { span: t.span });
      out.window = parseWindow(c);
    } else if (c.atWord('min') && allowMin) {
      c.next();
      if (out.min !== undefined) c.report('RULE1018', ['min'], { span: t.span });
      const n = parseNumberLiteral(c);
      if (!Number.isSafeInteger(n.value) || n.value < 0 || n.percent) {
        c.report('RULE1007', ['a whole number of events after "min"', `the number ${String(n.value)}`], { span: n.span });
      }
      out.min = n.value;
    } else if (c.atWord('min')) {
      c.fail('RULE1019', ['min', `${fn}(…)`, 'only rate(…) takes a minimum denominator.']);
    } else if (t.type === 'duration') {
      c.failExpected('a window', `Write within ${t.text}.`);
    } else {
      c.failExpected(`a window (within 7d, before 30d ago, between 30d ago and 7d ago)${allowMin ? ' or min N' : ''}`);
    }
  }
  return out;
}

function withWindow<T extends object>(base: T, window: Window | undefined): T & { window?: Window } {
  return window ? { ...base, window } : base;
}

function parsePerformed(c: Cursor, fn: 'performed' | 'first_performed'): Condition | undefined {
  const start = c.next();
  const parts = parseCall(c, fn, `${fn}("Order Completed", within 30d)`, () => {
    const event = parseSelector(c);
    return { event, options: parseOptions(c, fn, false) };
  });
  if (!parts) return undefined;
  return withWindow({ kind: fn, event: parts.event, span: c.spanFrom(start) }, parts.options.window);
}

function parseLapsed(c: Cursor): Condition | undefined {
  const start = c.next();
  const parts = parseCall(c, 'lapsed', 'lapsed("Order Completed", 90d)', () => {
    const event = parseSelector(c);
    c.expectPunct(',', 'lapsed needs how long without the event: lapsed("Order Completed", 90d).');
    if (atWindow(c)) return c.failExpected('a duration', `lapsed takes a plain duration: lapsed(${JSON.stringify(event.name)}, 90d).`);
    return { event, duration: parseDuration(c, '","') };
  });
  return parts && { kind: 'lapsed', event: parts.event, duration: parts.duration, span: c.spanFrom(start) };
}

function parseMetric(c: Cursor, fn: 'count' | 'sum' | 'avg' | 'min' | 'max' | 'rate' | 'score'): Condition | undefined {
  const start = c.next();
  let metric: Metric | undefined;
  if (fn === 'count' && c.acceptWord('distinct')) {
    const parts = parseCall(c, 'count distinct', 'count distinct("Product Viewed".product_id, within 7d)', () => {
      const property = parseEventProperty(c, 'count distinct');
      return { property, options: parseOptions(c, 'count distinct', false) };
    });
    metric = parts && withWindow({ kind: 'count_distinct' as const, property: parts.property, span: c.spanFrom(start) }, parts.options.window);
  } else if (fn === 'count') {
    const parts = parseCall(c, 'count', 'count("Product Viewed", within 7d)', () => {
      const event = parseSelector(c);
      return { event, options: parseOptions(c, 'count', false) };
    });
    metric = parts && withWindow({ kind: 'count' as const, event: parts.event, span: c.spanFrom(start) }, parts.options.window);
  } else if (fn === 'rate') {
    const parts = parseCall(c, 'rate', 'rate("Email Opened" / "Email Delivered", within 30d, min 5)', () => {
      const numerator = parseSelector(c);
      c.expectPunct('/', 'A rate divides two events: rate("Email Opened" / "Email Delivered", within 30d, min 5).');
      const denominator = parseSelector(c);
      return { numerator, denominator, options: parseOptions(c, 'rate', true) };
    });
    if (parts) {
      const base = withWindow(
        { kind: 'rate' as const, numerator: parts.numerator, denominator: parts.denominator, span: c.spanFrom(start) },
        parts.options.window,
      );
      metric = parts.options.min === undefined ? base : { ...base, minDenominator: parts.options.min };
    }
  } else if (fn === 'score') {
    const name = parseCall(c, 'score', 'score("purchase_propensity") >= 0.7', () =>
      parseStringLiteral(c, 'a score name in double quotes'),
    );
    metric = name && { kind: 'score', name: name.value, span: c.spanFrom(start) };
  } else {
    const parts = parseCall(c, fn, `${fn}("Order Completed".revenue, within 30d)`, () => {
      const property = parseEventProperty(c, fn);
      return { property, options: parseOptions(c, fn, false) };
    });
    metric = parts && withWindow({ kind: fn, property: parts.property, span: c.spanFrom(start) }, parts.options.window);
  }
  const callText = c.spanFrom(start);
  if (!atCompareOp(c)) {
    if (!metric) throw new SyntaxFailure();
    return c.fail('RULE1013', [metricLabel(fn, metric)], { span: callText });
  }
  const op = parseCompareOp(c, fn);
  const value = parseNumberLiteral(c);
  return metric && { kind: 'metric', metric, op, value, span: c.spanFrom(start) };
}

function metricLabel(fn: string, metric: Metric): string {
  return metric.kind === 'count_distinct' ? 'count distinct(…)' : `${fn}(…)`;
}

function parseTrait(c: Cursor): Condition {
  const start = c.next();
  c.expectPunct('.', 'Name the trait: traits.age.');
  const path = parsePath(c);
  const test = parseValueTest(c, `traits.${path.join('.')}`);
  return { kind: 'trait', path, test, span: c.spanFrom(start) };
}

function parseSequence(c: Cursor): Condition {
  const start = c.peek();
  const first = parseSelector(c);
  if (!c.atWord('then')) {
    const span: Span = c.spanFrom(start);
    return c.fail('RULE1027', [JSON.stringify(first.name)], { span });
  }
  c.next();
  const negated = c.acceptWord('not');
  const then = parseSelector(c);
  c.expectWord('within', 'A sequence needs a deadline: "Product Added" then not "Order Completed" within 3d.');
  const within = parseDuration(c, '"within"');
  const base = { kind: 'sequence' as const, first, then, negated, within };
  if (!c.acceptWord('by')) return { ...base, span: c.spanFrom(start) };
  const by = parsePath(c);
  return { ...base, by, span: c.spanFrom(start) };
}

function allDefined<T>(xs: readonly (T | undefined)[]): xs is T[] {
  return xs.every((x) => x !== undefined);
}
