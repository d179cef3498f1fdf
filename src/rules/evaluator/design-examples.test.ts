import { describe, expect, it } from 'vitest';
import { parseRule } from '../parser/index.js';
import type { Condition } from '../ast/index.js';
import type { ProfileHistory } from '../history.js';
import { evaluate } from './evaluate.js';
import { explain } from './explain.js';
import { nextChange } from './next-change.js';
import { DAY, ev, hist, HOUR, SECOND, T0 as T } from './testing-builders.js';

/** One example line of DESIGN §3, a history, and hand-worked answers at boundary instants. */
interface Example {
  readonly rule: string;
  readonly history: ProfileHistory;
  readonly at: readonly (readonly [number, boolean])[];
  readonly segments?: ReadonlyMap<string, string>;
}

const examples: readonly Example[] = [
  {
    rule: 'traits.age >= 25 and traits.city in ["New York", "Brooklyn"]',
    history: hist([], { traits: [{ time: T, traits: { age: 25, city: 'Brooklyn' } }, { time: T + DAY, traits: { city: 'Boston' } }] }),
    at: [[T - 1, false], [T, true], [T + DAY - 1, true], [T + DAY, false]],
  },
  {
    rule: 'count("Product Viewed" where product_id = "X", within 48h) >= 2',
    history: hist([ev('Product Viewed', T, { product_id: 'X' }), ev('Product Viewed', T + HOUR, { product_id: 'X' })]),
    at: [[T + HOUR - 1, false], [T + HOUR, true], [T + 48 * HOUR - 1, true], [T + 48 * HOUR, false]],
  },
  {
    rule: 'performed("Email Opened", within 7d)',
    history: hist([ev('Email Opened', T)]),
    at: [[T - 1, false], [T, true], [T + 7 * DAY - 1, true], [T + 7 * DAY, false]],
  },
  {
    rule: 'not performed("Order Completed", within 30d)',
    history: hist([ev('Page Viewed', T), ev('Order Completed', T + DAY)]),
    at: [[T, true], [T + DAY - 1, true], [T + DAY, false], [T + 31 * DAY - 1, false], [T + 31 * DAY, true]],
  },
  {
    rule: '"Product Added" then not "Order Completed" within 3d',
    history: hist([ev('Product Added', T, { product_id: 'P1' }), ev('Order Completed', T + 4 * DAY, { product_id: 'P2' })]),
    at: [[T + 3 * DAY - 1, false], [T + 3 * DAY, true], [T + 4 * DAY - 1, true], [T + 4 * DAY, false]],
  },
  {
    rule: '"Product Added" then not "Order Completed" within 3d by product_id',
    history: hist([
      ev('Product Added', T, { product_id: 'P1' }),
      ev('Order Completed', T + 4 * DAY, { product_id: 'P2' }),
      ev('Order Completed', T + 5 * DAY, { product_id: 'P1' }),
    ]),
    at: [[T + 3 * DAY - 1, false], [T + 3 * DAY, true], [T + 4 * DAY, true], [T + 5 * DAY - 1, true], [T + 5 * DAY, false]],
  },
  {
    rule: 'rate("Email Opened" / "Email Delivered", within 30d, min 5) < 10%',
    history: hist(Array.from({ length: 5 }, (_, i) => ev('Email Delivered', T + i * HOUR, {}, `d${i}`))),
    at: [[T + 4 * HOUR - 1, false], [T + 4 * HOUR, true], [T + 30 * DAY - 1, true], [T + 30 * DAY, false]],
  },
  {
    rule: 'avg("Session Ended".duration_s, within 7d) > 180',
    history: hist([ev('Session Ended', T, { duration_s: 200 }), ev('Session Ended', T + DAY, { duration_s: 100 })]),
    at: [[T - 1, false], [T, true], [T + DAY, false], [T + 7 * DAY, false], [T + 8 * DAY, false]],
  },
  {
    rule: 'sum("Order Completed".revenue, within 365d) >= 1000',
    history: hist([ev('Order Completed', T, { revenue: 999.5 }), ev('Order Completed', T + DAY, { revenue: 0.5 })]),
    at: [[T + DAY - 1, false], [T + DAY, true], [T + 365 * DAY - 1, true], [T + 365 * DAY, false]],
  },
  {
    rule: 'last_seen within 7d',
    history: hist([ev('Page Viewed', T)]),
    at: [[T - 1, false], [T, true], [T + 7 * DAY - 1, true], [T + 7 * DAY, false]],
  },
  {
    rule: 'first_seen before 30d ago',
    history: hist([ev('Page Viewed', T), ev('Page Viewed', T + 40 * DAY)]),
    at: [[T + 30 * DAY - 1, false], [T + 30 * DAY, true], [T + 50 * DAY, true]],
  },
  {
    rule: 'in_segment("VIP")',
    history: hist([ev('Order Completed', T, { revenue: 1000 })]),
    segments: new Map([['VIP', 'sum("Order Completed".revenue, within 365d) >= 1000']]),
    at: [[T - 1, false], [T, true], [T + 365 * DAY, false]],
  },
  {
    rule: 'score("purchase_propensity") >= 0.7',
    history: hist([], { scores: [{ time: T, name: 'purchase_propensity', value: 0.7 }, { time: T + DAY, name: 'purchase_propensity', value: 0.69 }] }),
    at: [[T - 1, false], [T, true], [T + DAY, false]],
  },
  {
    rule: 'performed("Email Opened", within 30s)',
    history: hist([ev('Email Opened', T)]),
    at: [[T, true], [T + 30 * SECOND - 1, true], [T + 30 * SECOND, false]],
  },
  {
    rule: `count("Product Viewed" where product_id = "X", within 48h) >= 2
  and "Product Added" where product_id = "X" then not "Order Completed" within 3d`,
    // Added at T; the views must still be within 48 h when the 3-day deadline passes.
    history: hist([
      ev('Product Added', T, { product_id: 'X' }),
      ev('Product Viewed', T + 60 * HOUR, { product_id: 'X' }),
      ev('Product Viewed', T + 61 * HOUR, { product_id: 'X' }),
    ]),
    at: [[T + 72 * HOUR - 1, false], [T + 72 * HOUR, true], [T + 108 * HOUR - 1, true], [T + 108 * HOUR, false]],
  },
];

describe('the DESIGN §3 example rules, parsed from text', () => {
  for (const example of examples) {
    describe(example.rule.replace(/\s+/g, ' '), () => {
      const condition = parseRule(example.rule);
      const segments =
        example.segments === undefined
          ? undefined
          : new Map<string, Condition>([...example.segments].map(([name, text]) => [name, parseRule(text)]));
      const env = segments === undefined ? {} : { segments };
      it.each(example.at)('at instant %d it evaluates to %s as hand-worked', (t, expected) => {
        expect(evaluate(condition, example.history, t, env)).toBe(expected);
      });
      it('reports each hand-worked change instant as the next change from the instant before it', () => {
        for (const [t, expected] of example.at) {
          const u = nextChange(condition, example.history, t - 1, env);
          if (evaluate(condition, example.history, t - 1, env) !== expected) expect(u).toBe(t);
          else expect(u === undefined || u > t).toBe(true);
        }
      });
      it('explains the answer with the same value', () => {
        for (const [t, expected] of example.at) expect(explain(condition, example.history, t, env).value).toBe(expected);
      });
    });
  }
});
