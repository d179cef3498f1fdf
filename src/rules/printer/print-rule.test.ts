import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../ast/index.js';
import { stripSpans } from '../json/index.js';
import { parseRule, safeParseRule } from '../parser/index.js';
import { arbitraryCondition } from '../testing/index.js';
import { printRule } from './index.js';

function reparse(c: Condition, width?: number): Condition {
  const text = printRule(c, width === undefined ? {} : { width });
  const r = safeParseRule(text);
  if (!r.ok) throw new Error(`printed text does not parse:\n${text}\n${JSON.stringify(r.diagnostics, null, 1)}`);
  return stripSpans(r.value);
}

describe('printRule', () => {
  it('prints text that parses back to the same tree for pool-valued rules', () => {
    fc.assert(
      fc.property(arbitraryCondition({ maxDepth: 4 }), (c) => {
        expect(reparse(c)).toStrictEqual(c);
      }),
      { numRuns: 400 },
    );
  });

  it('prints text that parses back to the same tree for exotic strings, numbers and names', () => {
    fc.assert(
      fc.property(arbitraryCondition({ exotic: true }), fc.integer({ min: 20, max: 120 }), (c, width) => {
        expect(reparse(c, width)).toStrictEqual(c);
      }),
      { numRuns: 400 },
    );
  });

  it('is idempotent: printing a parsed print gives the same text', () => {
    fc.assert(
      fc.property(arbitraryCondition({ exotic: true, maxDepth: 4 }), (c) => {
        const once = printRule(c);
        expect(printRule(parseRule(once))).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a rule that fits in the width on one line', () => {
    expect(printRule(parseRule('subscribed   and\n  last_seen    within 7d'))).toBe('subscribed and last_seen within 7d');
  });

  it('breaks a long and-chain one condition per line with the operator leading', () => {
    const text =
      'count("Product Viewed" where product_id = "X", within 48h) >= 2 and "Product Added" where product_id = "X" then not "Order Completed" within 3d';
    expect(printRule(parseRule(text))).toBe(
      'count("Product Viewed" where product_id = "X", within 48h) >= 2\n' +
        '  and "Product Added" where product_id = "X" then not "Order Completed" within 3d',
    );
  });

  it('indents a long parenthesised group inside a chain', () => {
    const text =
      'subscribed and (performed("Order Completed", within 30d) or performed("Product Added", within 7d) or in_segment("VIP"))';
    expect(printRule(parseRule(text), { width: 60 })).toBe(
      'subscribed\n' +
        '  and (\n' +
        '    performed("Order Completed", within 30d)\n' +
        '      or performed("Product Added", within 7d)\n' +
        '      or in_segment("VIP")\n' +
        '  )',
    );
  });

  it('keeps parenthesised groups as nested nodes and prints their parentheses', () => {
    const c = parseRule('(subscribed and email_eligible) and in_segment("VIP")');
    expect(stripSpans(c)).toStrictEqual({
      kind: 'and',
      conditions: [
        { kind: 'and', conditions: [{ kind: 'subscription', state: 'subscribed' }, { kind: 'subscription', state: 'email_eligible' }] },
        { kind: 'in_segment', segment: 'VIP' },
      ],
    });
    expect(printRule(c)).toBe('(subscribed and email_eligible) and in_segment("VIP")');
  });

  it('quotes property names that are reserved words or not plain names in backticks', () => {
    const c: Condition = { kind: 'trait', path: ['count', 'first name', 'a`b'], test: { kind: 'exists' } };
    expect(printRule(c)).toBe('traits.`count`.`first name`.`a\\`b` exists');
    expect(stripSpans(parseRule(printRule(c)))).toStrictEqual(c);
  });

  it('prints percentages as written and negative zero faithfully', () => {
    expect(printRule(parseRule('rate("A" / "B", within 30d, min 5) < 7%'))).toBe('rate("A" / "B", within 30d, min 5) < 7%');
    expect(printRule(parseRule('traits.x = -0'))).toBe('traits.x = -0');
    expect(printRule(parseRule('traits.x = 1e21'))).toBe('traits.x = 1e+21');
  });

  it('puts the arguments of a call too long for its line one per line, and a long filter one operand per line', () => {
    const text = 'subscribed and count("Order Completed" where currency = "USD" and not (test = true or amount < 0), within 365d) >= 3';
    expect(printRule(parseRule(text), { width: 50 })).toBe(
      'subscribed\n' +
        '  and count(\n' +
        '    "Order Completed" where currency = "USD"\n' +
        '      and not (test = true or amount < 0),\n' +
        '    within 365d\n' +
        '  ) >= 3',
    );
  });

  it('breaks a long sequence before then and within', () => {
    const text = '"Product Added" where product_id = "X" then not "Order Completed" within 3d by product_id';
    expect(printRule(parseRule(text), { width: 40 })).toBe(
      '"Product Added" where product_id = "X"\n  then not "Order Completed"\n  within 3d by product_id',
    );
  });

  it('keeps the parentheses of not over a comparison, a sequence or a seen window, so precedence stays visible', () => {
    for (const text of [
      'not (traits.plan = "pro")',
      'not (traits.city in ["Paris", "Lyon"])',
      'not (count("Email Opened", within 7d) >= 2)',
      'not ("Product Added" then "Order Completed" within 3d)',
      'not (last_seen within 7d)',
      'performed("Order Completed" where not (currency = "USD"))',
    ]) {
      expect(printRule(parseRule(text))).toBe(text);
    }
  });

  it('prints not bare before a call or a keyword, which delimit themselves', () => {
    expect(printRule(parseRule('not (performed("Order Completed", within 30d))'))).toBe('not performed("Order Completed", within 30d)');
    expect(printRule(parseRule('not (in_segment("VIP"))'))).toBe('not in_segment("VIP")');
    expect(printRule(parseRule('not (subscribed)'))).toBe('not subscribed');
  });

  it('keeps the parentheses of not over a comparison when the line breaks', () => {
    const text = 'not (count("Order Completed" where currency = "USD" and amount > 100, within 365d) >= 3)';
    const printed = printRule(parseRule(text), { width: 40 });
    expect(printed.startsWith('not (count(\n')).toBe(true);
    expect(printed.endsWith(') >= 3)')).toBe(true);
    expect(stripSpans(parseRule(printed))).toStrictEqual(stripSpans(parseRule(text)));
  });
});
