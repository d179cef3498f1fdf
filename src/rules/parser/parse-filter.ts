import type { EventProperty, EventSelector, Filter } from '../ast/index.js';
import type { Cursor } from './cursor.js';
import { describeToken } from './token.js';
import { parsePath, parseValueTest } from './parse-value.js';

/**
 * A `where` filter: property tests joined by `and` / `or`, negated by `not`, grouped by parentheses.
 * Unparenthesised chains become one n-ary node; parenthesised groups stay nested.
 */
export function parseFilter(c: Cursor): Filter {
  const start = c.peek();
  const first = parseFilterAnd(c);
  if (!c.atWord('or')) return first;
  const filters = [first];
  while (c.acceptWord('or')) filters.push(parseFilterAnd(c));
  return { kind: 'filter_or', filters, span: c.spanFrom(start) };
}

function parseFilterAnd(c: Cursor): Filter {
  const start = c.peek();
  const first = parseFilterUnary(c);
  if (!c.atWord('and')) return first;
  const filters = [first];
  while (c.acceptWord('and')) filters.push(parseFilterUnary(c));
  return { kind: 'filter_and', filters, span: c.spanFrom(start) };
}

function parseFilterUnary(c: Cursor): Filter {
  const start = c.peek();
  if (c.atWord('not')) {
    c.next();
    c.enter();
    const filter = parseFilterUnary(c);
    c.leave();
    return { kind: 'filter_not', filter, span: c.spanFrom(start) };
  }
  if (c.atPunct('(')) {
    c.next();
    c.enter();
    const inner = parseFilter(c);
    c.leave();
    if (!c.atPunct(')')) {
      c.fail('RULE1008', [`line ${start.span.line}, column ${start.span.column}`, describeToken(c.peek())]);
    }
    c.next();
    return inner;
  }
  const t = c.peek();
  if (t.type !== 'ident' && t.type !== 'quoted_ident') {
    return c.fail('RULE1022', [describeToken(t)], { hint: 'A where filter tests event properties: where product_id = "X".' });
  }
  const path = parsePath(c);
  const test = parseValueTest(c, path.join('.'));
  return { kind: 'property', path, test, span: c.spanFrom(start) };
}

/** `"Event Name" [where filter]`. */
export function parseSelector(c: Cursor): EventSelector {
  const start = c.peek();
  const name = parseEventName(c);
  if (!c.acceptWord('where')) return { kind: 'event', name, span: c.spanFrom(start) };
  const where = parseFilter(c);
  return { kind: 'event', name, where, span: c.spanFrom(start) };
}

/** `"Event Name".path [where filter]`: a property of selected events. */
export function parseEventProperty(c: Cursor, fn: string): EventProperty {
  const start = c.peek();
  const name = parseEventName(c);
  const nameSpan = c.spanFrom(start);
  if (!c.atPunct('.')) {
    return c.failExpected(
      `"." and a property after the event name`,
      c.atWord('where')
        ? `Write the property before the filter: ${fn}(${JSON.stringify(name)}.revenue where currency = "USD", within 30d).`
        : `${fn} needs a numeric property: ${fn}(${JSON.stringify(name)}.revenue, within 30d).`,
    );
  }
  c.next();
  const path = parsePath(c);
  if (!c.acceptWord('where')) {
    return { kind: 'event_property', event: { kind: 'event', name, span: nameSpan }, path, span: c.spanFrom(start) };
  }
  const where = parseFilter(c);
  return {
    kind: 'event_property',
    event: { kind: 'event', name, where, span: nameSpan },
    path,
    span: c.spanFrom(start),
  };
}

function parseEventName(c: Cursor): string {
  const t = c.peek();
  if (t.type === 'string') {
    if (t.bad) return c.fail('RULE1021', []);
    c.next();
    return t.value;
  }
  return c.fail('RULE1021', [describeToken(t)], {
    hint: t.type === 'ident' ? `Put the event name in double quotes: "${t.text}".` : undefined,
  });
}
