import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../ast/index.js';
import { arbitraryCondition, EVENT_NAME_POOL, STRING_VALUE_POOL } from '../testing/index.js';
import { evaluate } from './evaluate.js';
import { explain } from './explain.js';
import type { ExplainNode } from './explain-node.js';
import { EXPLAIN_EVENT_CAP } from './explain-node.js';
import { nextChange } from './next-change.js';
import {
  and,
  cmp,
  count,
  DAY,
  dur,
  eprop,
  ev,
  hist,
  HOUR,
  metric,
  not,
  performed,
  prop,
  sel,
  sequence,
  T0 as T,
  trait,
  within,
} from './testing-builders.js';

describe('explain', () => {
  it('states a count with its value and threshold, and cites the matching events', () => {
    const rule = metric(count(sel('Product Viewed', prop('product_id', cmp('=', 'X'))), within(48, 'h')), '>=', 2);
    const history = hist([
      ev('Product Viewed', T, { product_id: 'X' }, 'v1'),
      ev('Product Viewed', T + HOUR, { product_id: 'Y' }, 'v2'),
      ev('Product Viewed', T + 2 * HOUR, { product_id: 'X' }, 'v3'),
    ]);
    const node = explain(rule, history, T + 3 * HOUR);
    expect(node.value).toBe(true);
    expect(node.text).toBe('count("Product Viewed" where product_id = "X", within 48h) = 2 ≥ 2');
    expect(node.nextChange).toBe(T + 48 * HOUR);
    expect(node.evidence).toEqual({
      kind: 'metric',
      metric: 'count',
      measured: 2,
      op: '>=',
      threshold: 2,
      window: { after: T + 3 * HOUR - 48 * HOUR, upTo: T + 3 * HOUR },
      matched: {
        total: 2,
        events: [
          { id: 'v1', name: 'Product Viewed', time: T },
          { id: 'v3', name: 'Product Viewed', time: T + 2 * HOUR },
        ],
      },
    });
  });

  it('says why a failing comparison fails', () => {
    const node = explain(metric(count('Product Viewed', within(48, 'h')), '>=', 2), hist([ev('Product Viewed', T)]), T);
    expect(node.text).toBe('count("Product Viewed", within 48h) = 1, not ≥ 2');
  });

  it('explains an undefined rate instead of a number', () => {
    const rule = metric(
      { kind: 'rate', numerator: sel('Email Opened'), denominator: sel('Email Delivered'), window: within(30, 'd'), minDenominator: 5 },
      '<',
      0.1,
    );
    const node = explain(rule, hist([ev('Email Delivered', T)]), T);
    expect(node.value).toBe(false);
    expect(node.text).toContain('is undefined (denominator 1 is below the minimum 5)');
    expect(node.evidence).toMatchObject({ kind: 'metric', measured: null });
  });

  it('gives the deadline of a waiting cart abandoner, and the instant it enters', () => {
    const rule = sequence('Product Added', 'Order Completed', true, dur(3, 'd'), 'product_id');
    const node = explain(rule, hist([ev('Product Added', T, { product_id: 'P1' }, 'a1')]), T + DAY);
    expect(node.value).toBe(false);
    expect(node.nextChange).toBe(T + 3 * DAY);
    expect(node.evidence).toEqual({
      kind: 'sequence',
      matches: [],
      totalMatches: 0,
      pending: [{ first: { id: 'a1', name: 'Product Added', time: T }, deadline: T + 3 * DAY, key: 'P1' }],
      totalPending: 1,
    });
    expect(node.text).toContain('enters at 2024-01-04T00:00:00.000Z unless "Order Completed" (product_id = "P1") comes first');
  });

  it('shows the trait value seen, and a missing trait as missing', () => {
    const history = hist([], { traits: [{ time: T, traits: { age: 31 } }] });
    const present = explain(trait('age', cmp('>=', 25)), history, T);
    expect(present.text).toBe('traits.age = 31 ≥ 25');
    expect(present.evidence).toEqual({ kind: 'trait', path: ['age'], present: true, value: 31 });
    const missing = explain(not(trait('plan', cmp('=', 'pro'))), history, T);
    expect(missing.value).toBe(true);
    expect(missing.children[0]?.text).toBe('traits.plan is missing, so = "pro" is false');
  });

  it('caps the cited events but keeps the total', () => {
    const events = Array.from({ length: EXPLAIN_EVENT_CAP + 5 }, (_, i) => ev('Email Opened', T + i, {}, `o${i}`));
    const node = explain(performed('Email Opened', within(7, 'd')), hist(events), T + 100);
    expect(node.evidence).toMatchObject({ kind: 'events', matched: { total: EXPLAIN_EVENT_CAP + 5 } });
    const listed = node.evidence.kind === 'events' ? node.evidence.matched.events : [];
    expect(listed).toHaveLength(EXPLAIN_EVENT_CAP);
    expect(listed.at(-1)?.id).toBe(`o${EXPLAIN_EVENT_CAP + 4}`);
  });

  it('explains a referenced segment through its own rule, and a cycle as false', () => {
    const segments = new Map<string, Condition>([
      ['VIP', metric({ kind: 'sum', property: eprop('Order Completed', 'revenue') }, '>=', 100)],
      ['Loop', { kind: 'in_segment', segment: 'Loop' }],
    ]);
    const history = hist([ev('Order Completed', T, { revenue: 150 })]);
    const vip = explain({ kind: 'in_segment', segment: 'VIP' }, history, T, { segments });
    expect(vip.value).toBe(true);
    expect(vip.children[0]?.text).toBe('sum("Order Completed".revenue) = 150 ≥ 100');
    const loop = explain({ kind: 'in_segment', segment: 'Loop' }, history, T, { segments });
    expect(loop.children[0]?.evidence).toEqual({ kind: 'segment', segment: 'Loop', known: true, cycle: true });
    expect(loop.children[0]?.value).toBe(false);
  });

  it('counts how many children of an and hold', () => {
    const node = explain(and(performed('A'), performed('B')), hist([ev('A', T)]), T);
    expect(node.text).toBe('and: 1 of 2 hold (all needed)');
    expect(node.evidence).toEqual({ kind: 'combination', holding: 1, of: 2 });
  });
});

describe('explain (property)', () => {
  const history = fc
    .array(
      fc.record({
        name: fc.constantFrom(...EVENT_NAME_POOL),
        time: fc.integer({ min: -10, max: 10 }).map((n) => T + n * DAY),
        properties: fc.record({ product_id: fc.constantFrom(...STRING_VALUE_POOL), revenue: fc.integer({ min: 0, max: 200 }) }, { requiredKeys: [] }),
      }),
      { maxLength: 8 },
    )
    .map((events) => hist(events.map((e, i) => ({ ...e, id: `e${i}` })), { traits: [{ time: T - DAY, traits: { age: 30, email: 'a@b.c' } }] }));

  it('agrees with evaluate and nextChange on every node, and survives a JSON round trip', () => {
    fc.assert(
      fc.property(arbitraryCondition({ maxDepth: 2 }), history, fc.integer({ min: -12, max: 12 }), (condition, h, n) => {
        const t = T + n * DAY;
        const tree = explain(condition, h, t);
        expect(JSON.parse(JSON.stringify(tree))).toEqual(tree);
        const check = (node: ExplainNode, c: Condition): void => {
          expect(node.value).toBe(evaluate(c, h, t));
          expect(node.nextChange).toBe(nextChange(c, h, t));
          const subs = c.kind === 'and' || c.kind === 'or' ? c.conditions : c.kind === 'not' ? [c.condition] : [];
          subs.forEach((sub, i) => {
            const child = node.children[i];
            expect(child).toBeDefined();
            if (child) check(child, sub);
          });
        };
        check(tree, condition);
      }),
      { numRuns: 150 },
    );
  });
});
