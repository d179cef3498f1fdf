import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripSpans } from '../json/index.js';
import { printRule } from '../printer/index.js';
import { arbitraryCondition } from '../testing/index.js';
import { MAX_RULE_LENGTH, parseRule, RuleSyntaxError, safeParseRule } from './index.js';

/** DESIGN.md §3: each line must parse exactly as written. */
export const DESIGN_EXAMPLES = [
  'traits.age >= 25 and traits.city in ["New York", "Brooklyn"]',
  'count("Product Viewed" where product_id = "X", within 48h) >= 2',
  'performed("Email Opened", within 7d)',
  'not performed("Order Completed", within 30d)',
  '"Product Added" then not "Order Completed" within 3d',
  '"Product Added" then not "Order Completed" within 3d by product_id',
  'rate("Email Opened" / "Email Delivered", within 30d, min 5) < 10%',
  'avg("Session Ended".duration_s, within 7d) > 180',
  'sum("Order Completed".revenue, within 365d) >= 1000',
  'last_seen within 7d',
  'first_seen before 30d ago',
  'in_segment("VIP")',
  'score("purchase_propensity") >= 0.7',
  'performed("Email Opened", within 30s)',
];

const COMPOUND = `count("Product Viewed" where product_id = "X", within 48h) >= 2
  and "Product Added" where product_id = "X" then not "Order Completed" within 3d`;

function errorsOf(text: string): string[] {
  const r = safeParseRule(text);
  return r.ok ? [] : r.diagnostics.map((d) => `${d.span?.line}:${d.span?.column} ${d.code}`);
}

describe('parseRule', () => {
  it.each(DESIGN_EXAMPLES)('parses the DESIGN example %s and prints it back unchanged', (text) => {
    expect(printRule(parseRule(text))).toBe(text);
  });

  it('parses the compound example and prints it back unchanged', () => {
    expect(printRule(parseRule(COMPOUND))).toBe(COMPOUND);
  });

  it('reads the compound example as a count and a negated sequence with a filtered first step', () => {
    expect(stripSpans(parseRule(COMPOUND))).toStrictEqual({
      kind: 'and',
      conditions: [
        {
          kind: 'metric',
          metric: {
            kind: 'count',
            event: {
              kind: 'event',
              name: 'Product Viewed',
              where: { kind: 'property', path: ['product_id'], test: { kind: 'compare', op: '=', value: { kind: 'string', value: 'X' } } },
            },
            window: { kind: 'within', duration: { amount: 48, unit: 'h' } },
          },
          op: '>=',
          value: { kind: 'number', value: 2 },
        },
        {
          kind: 'sequence',
          first: {
            kind: 'event',
            name: 'Product Added',
            where: { kind: 'property', path: ['product_id'], test: { kind: 'compare', op: '=', value: { kind: 'string', value: 'X' } } },
          },
          then: { kind: 'event', name: 'Order Completed' },
          negated: true,
          within: { amount: 3, unit: 'd' },
        },
      ],
    });
  });

  it('reads every construct of the language', () => {
    const text = [
      'traits.address.city != "Paris"',
      'traits.age < 18 or traits.age <= 17 or traits.age > 99 or traits.age >= 100',
      'traits.plan not in ["free", "trial"]',
      'traits.email contains "@example.com" and traits.name starts_with "Dr"',
      'traits.phone exists and traits.fax is missing',
      'traits.vip = true and traits.churned = false',
      'traits.signup < 2024-01-31 and traits.last_login >= 2024-01-31T12:00:00Z',
      'count distinct("Product Viewed".product_id, within 7d) >= 3',
      'sum("Order Completed".revenue where currency = "USD" and not (test = true or amount < 0), within 365d) >= 1000',
      'min("Order Completed".price, within 1w) > 1 and max("Order Completed".price, within 60m) < 5',
      'performed("Order Completed", before 30d ago)',
      'performed("Order Completed", between 30d ago and 7d ago)',
      'first_performed("Order Completed", within 7d)',
      'lapsed("Order Completed", 90d)',
      '"Product Added" where product_id = "X" then "Order Completed" where product_id = "X" within 1h by product.id',
      'last_seen between 14d ago and 7d ago',
      'subscribed and email_eligible',
      'count("Email Opened") = 0',
    ].join('\nand ');
    const r = safeParseRule(text);
    expect(r.ok ? [] : r.diagnostics).toEqual([]);
  });

  it('skips comments to the end of the line', () => {
    expect(stripSpans(parseRule('# VIP buyers\nin_segment("VIP") # the list\n# end'))).toStrictEqual({
      kind: 'in_segment',
      segment: 'VIP',
    });
  });

  it('decodes JSON escapes in strings', () => {
    expect(stripSpans(parseRule('traits.x = "a\\"b\\\\c\\n\\u00e9\\/"'))).toMatchObject({
      test: { value: { value: 'a"b\\c\né/' } },
    });
  });

  it('reads percentages as fractions that remember how they were written', () => {
    expect(stripSpans(parseRule('rate("A" / "B", min 5) < 10%'))).toMatchObject({ value: { kind: 'number', value: 0.1, percent: true } });
  });

  it('binds and tighter than or and keeps unparenthesised chains flat', () => {
    const c = stripSpans(parseRule('subscribed or email_eligible and in_segment("A") and in_segment("B")'));
    expect(c).toMatchObject({ kind: 'or', conditions: [{ kind: 'subscription' }, { kind: 'and', conditions: [{}, {}, {}] }] });
  });

  it('records spans with 1-based lines and columns', () => {
    const c = parseRule('subscribed\n  and last_seen within 7d');
    expect(c.kind === 'and' && c.conditions[1]?.span).toEqual({ offset: 17, length: 19, line: 2, column: 7 });
  });

  it('treats keywords as case-sensitive and says how to write them', () => {
    const r = safeParseRule('subscribed AND email_eligible');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'RULE1017', message: 'Keywords are lowercase: write and instead of AND.' });
    expect(safeParseRule('subscribed email_eligible').diagnostics[0]).toMatchObject({ code: 'RULE1014' });
    expect(safeParseRule('Performed("A", within 7d)').diagnostics[0]).toMatchObject({
      code: 'RULE1017',
      message: 'Keywords are lowercase: write performed instead of Performed.',
    });
  });
});

describe('parser diagnostics', () => {
  it('reports an unknown duration unit once, at the duration', () => {
    expect(errorsOf('performed("A", within 48x)')).toEqual(['1:23 RULE1004']);
  });

  it('reports an unterminated string', () => {
    expect(errorsOf('traits.city = "New York')).toEqual(['1:15 RULE1002']);
  });

  it('suggests the closest keyword for a typo', () => {
    const r = safeParseRule('perfomed("A", within 7d)');
    expect(r.diagnostics[0]?.message).toBe('Unknown word "perfomed"; did you mean performed?');
  });

  it('asks for a duration after within', () => {
    expect(errorsOf('performed("A", within)')).toEqual(['1:22 RULE1012']);
  });

  it('reports a trailing operator as a missing condition at the end', () => {
    const r = safeParseRule('subscribed and');
    expect(r.diagnostics.map((d) => d.message)).toEqual(['Expected a condition after "and" but found the end of the rule.']);
  });

  it('reports a missing closing parenthesis and where it was opened', () => {
    expect(safeParseRule('(subscribed and email_eligible').diagnostics[0]?.message).toBe(
      'Missing ")" to close the "(" at line 1, column 1; found the end of the rule.',
    );
  });

  it('keeps going after an error and reports every independent mistake', () => {
    expect(errorsOf('performed("A", within 48x) and perfomed("B") or traits.x = "y\nand count("C") and last_seen within')).toEqual([
      '1:23 RULE1004',
      '1:32 RULE1010',
      '1:60 RULE1002',
      '2:5 RULE1013',
      '2:36 RULE1012',
    ]);
  });

  it('suggests a window keyword for a bare duration argument', () => {
    expect(safeParseRule('performed("A", 7d)').diagnostics[0]?.hint).toBe('Write within 7d.');
  });

  it('rejects text larger than the size limit without parsing it', () => {
    const r = safeParseRule('subscribed or '.repeat(MAX_RULE_LENGTH / 10));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['RULE1015']);
  });

  it('reports deep nesting instead of overflowing the stack', () => {
    expect(safeParseRule('('.repeat(50_000) + 'subscribed' + ')'.repeat(50_000)).diagnostics.map((d) => d.code)).toContain('RULE1015');
    expect(safeParseRule('not '.repeat(10_000) + 'subscribed').diagnostics.map((d) => d.code)).toEqual(['RULE1016']);
    expect(safeParseRule('performed("A" where ' + '('.repeat(10_000) + 'x = 1').diagnostics.map((d) => d.code)).toEqual(['RULE1016']);
  });

  it('throws a RuleSyntaxError carrying the diagnostics from parseRule', () => {
    expect(() => parseRule('subscribed and')).toThrow(RuleSyntaxError);
    try {
      parseRule('subscribed and');
    } catch (e) {
      expect((e as RuleSyntaxError).diagnostics).toHaveLength(1);
    }
  });
});

describe('parser robustness', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (text) => {
        const r = safeParseRule(text);
        if (!r.ok) expect(r.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on text made of the language own tokens in random order', () => {
    const token = fc.constantFrom(
      'and', 'or', 'not', '(', ')', '[', ']', ',', '.', '/', '=', '!=', '<', '>=', 'traits', 'performed', 'count', 'distinct',
      'rate', 'min', 'within', 'before', 'between', 'ago', 'then', 'by', 'where', 'in', 'is', 'missing', 'exists', '"E"',
      '7d', '48x', '10%', '2024-01-31', 'true', '"unterminated', '`q`', '#c\n', 'last_seen', 'in_segment', 'score', 'x', '1.5h',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const r = safeParseRule(tokens.join(' '));
        if (!r.ok) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutated valid rules, and every error has a span inside the text', () => {
    const mutated = fc
      .tuple(arbitraryCondition({ exotic: true }), fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 3 }))
      .map(([c, at, cut, insert]) => {
        const text = printRule(c);
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i + cut);
      });
    fc.assert(
      fc.property(mutated, (text) => {
        const r = safeParseRule(text);
        for (const d of r.diagnostics) {
          expect(d.span).toBeDefined();
          expect(d.span!.offset + d.span!.length).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parser hints for common slips', () => {
  it('says where the window goes when it is written after the call', () => {
    expect(safeParseRule('performed("A") within 7d').diagnostics[0]?.hint).toBe(
      'A window goes inside the parentheses: performed("Email Opened", within 7d).',
    );
  });

  it('says to put the property before the filter in an aggregate', () => {
    expect(safeParseRule('sum("Order Completed" where currency = "USD".revenue, within 30d) > 1').diagnostics[0]?.hint).toBe(
      'Write the property before the filter: sum("Order Completed".revenue where currency = "USD", within 30d).',
    );
  });

  it('says lapsed takes a plain duration', () => {
    expect(safeParseRule('lapsed("Order Completed", within 90d)').diagnostics[0]?.hint).toBe(
      'lapsed takes a plain duration: lapsed("Order Completed", 90d).',
    );
  });

  it('reads a single-quoted string once, with a hint, and goes on', () => {
    const r = safeParseRule("traits.city = 'NYC' and perfomed(\"A\")");
    expect(r.diagnostics.map((d) => [d.code, d.hint])).toEqual([
      ['RULE1001', 'Strings use straight double quotes: "NYC".'],
      ['RULE1010', undefined],
    ]);
  });
});
