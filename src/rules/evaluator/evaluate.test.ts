import { describe, expect, it } from 'vitest';
import type { Condition } from '../ast/index.js';
import type { ProfileHistory } from '../history.js';
import { evaluate } from './evaluate.js';
import type { EvalEnv } from './eval-env.js';
import {
  and,
  before,
  between,
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

type Case = readonly [string, number, boolean];

function table(condition: Condition, history: ProfileHistory, cases: readonly Case[], env?: EvalEnv): void {
  it.each(cases)('%s', (_name, t, expected) => {
    expect(evaluate(condition, history, t, env)).toBe(expected);
  });
}

describe('performed within a window', () => {
  table(performed('Email Opened', within(7, 'd')), hist([ev('Email Opened', T)]), [
    ['is false 1 ms before the event (not yet visible)', T - 1, false],
    ['is true at the event instant', T, true],
    ['is true 1 ms before the event leaves the window', T + 7 * DAY - 1, true],
    ['is false exactly D after the event (half-open window)', T + 7 * DAY, false],
    ['is false 1 ms after the window edge', T + 7 * DAY + 1, false],
  ]);
});

describe('performed within seconds', () => {
  table(performed('Email Opened', within(30, 's')), hist([ev('Email Opened', T)]), [
    ['is true 1 ms before 30 s have passed', T + 29_999, true],
    ['is false when 30 s have passed', T + 30_000, false],
  ]);
});

describe('performed before D ago', () => {
  table(performed('Order Completed', before(30, 'd')), hist([ev('Order Completed', T)]), [
    ['is false 1 ms before the event is D old', T + 30 * DAY - 1, false],
    ['is true when the event is exactly D old', T + 30 * DAY, true],
    ['is true 1 ms later', T + 30 * DAY + 1, true],
  ]);
});

describe('performed between A ago and B ago', () => {
  table(performed('Order Completed', between([30, 'd'], [7, 'd'])), hist([ev('Order Completed', T)]), [
    ['is false 1 ms before the event is B old', T + 7 * DAY - 1, false],
    ['is true when the event is exactly B old', T + 7 * DAY, true],
    ['is true 1 ms before the event is A old', T + 30 * DAY - 1, true],
    ['is false when the event is exactly A old', T + 30 * DAY, false],
  ]);
});

describe('performed without a window', () => {
  table(performed('Order Completed'), hist([ev('Order Completed', T)]), [
    ['is false before the first event', T - 1, false],
    ['is true from the event on', T, true],
    ['is still true a year later', T + 365 * DAY, true],
  ]);
});

describe('not performed for a profile younger than the window', () => {
  const rule = not(performed('Order Completed', within(30, 'd')));
  const young = hist([ev('Page Viewed', T)]);
  table(rule, young, [
    ['matches a profile whose only event is 0 ms old', T, true],
    ['matches a profile seen for the first time 1 ms ago', T + 1, true],
  ]);
  const buyer = hist([ev('Page Viewed', T), ev('Order Completed', T + DAY)]);
  table(rule, buyer, [
    ['matches 1 ms before the purchase', T + DAY - 1, true],
    ['does not match at the purchase', T + DAY, false],
    ['does not match 1 ms before the purchase ages out', T + 31 * DAY - 1, false],
    ['matches again when the purchase is exactly 30 d old', T + 31 * DAY, true],
  ]);
  it('is kept out of young profiles only when combined with first_seen before D ago', () => {
    const guarded = and(rule, { kind: 'seen', which: 'first', window: before(30, 'd') });
    expect(evaluate(guarded, young, T + 30 * DAY - 1)).toBe(false);
    expect(evaluate(guarded, young, T + 30 * DAY)).toBe(true);
  });
});

describe('count with a where filter', () => {
  const rule = metric(count(sel('Product Viewed', prop('product_id', cmp('=', 'X'))), within(48, 'h')), '>=', 2);
  const history = hist([
    ev('Product Viewed', T, { product_id: 'X' }),
    ev('Product Viewed', T + 10 * HOUR, { product_id: 'Y' }),
    ev('Product Viewed', T + 20 * HOUR, { product_id: 'X' }),
    ev('Product Viewed', T + 21 * HOUR, {}),
  ]);
  table(rule, history, [
    ['is false with one matching view', T + 20 * HOUR - 1, false],
    ['is true at the second matching view', T + 20 * HOUR, true],
    ['is true 1 ms before the first view leaves the window', T + 48 * HOUR - 1, true],
    ['is false when the first view leaves the window', T + 48 * HOUR, false],
  ]);
  it('counts every comparison operator against the same count', () => {
    const c = count('Product Viewed', within(48, 'h'));
    const at = T + 21 * HOUR; // four views
    expect(evaluate(metric(c, '=', 4), history, at)).toBe(true);
    expect(evaluate(metric(c, '!=', 4), history, at)).toBe(false);
    expect(evaluate(metric(c, '<', 4), history, at)).toBe(false);
    expect(evaluate(metric(c, '<=', 4), history, at)).toBe(true);
    expect(evaluate(metric(c, '>', 3), history, at)).toBe(true);
  });
  it('reads a missing property as failing the filter, and a negated filter as matching it', () => {
    const missing = metric(count(sel('Product Viewed', prop('product_id', cmp('!=', 'X'))), within(48, 'h')), '=', 1);
    expect(evaluate(missing, history, T + 21 * HOUR)).toBe(true);
    const negated = metric(
      count(sel('Product Viewed', { kind: 'filter_not', filter: prop('product_id', cmp('=', 'X')) }), within(48, 'h')),
      '=',
      2,
    );
    expect(evaluate(negated, history, T + 21 * HOUR)).toBe(true);
  });
  it('filters on nested property paths', () => {
    const nested = metric(count(sel('Product Viewed', prop('product.id', cmp('=', 'X')))), '=', 1);
    const h = hist([ev('Product Viewed', T, { product: { id: 'X' } }), ev('Product Viewed', T + 1, { product: 'X' })]);
    expect(evaluate(nested, h, T + 1)).toBe(true);
  });
});

describe('count distinct', () => {
  const rule = metric({ kind: 'count_distinct', property: eprop('Product Viewed', 'product_id'), window: within(7, 'd') }, '>=', 2);
  const history = hist([
    ev('Product Viewed', T, { product_id: 'X' }),
    ev('Product Viewed', T + DAY, { product_id: 'X' }),
    ev('Product Viewed', T + 2 * DAY, { product_id: 1 }),
    ev('Product Viewed', T + 3 * DAY, { product_id: '1' }),
    ev('Product Viewed', T + 4 * DAY, { product_id: { nested: true } }),
  ]);
  table(rule, history, [
    ['is false while one value has been seen twice', T + 2 * DAY - 1, false],
    ['is true once a second distinct value arrives', T + 2 * DAY, true],
    ['is true 1 ms before the X views age out, counting 1 and "1" as different', T + 8 * DAY - 1, true],
    ['is true after the first X view ages out (the second X view is still in)', T + 7 * DAY, true],
    ['is true until the number 1 ages out ("1" remains, the object is skipped)', T + 9 * DAY - 1, true],
    ['is false when only "1" remains', T + 9 * DAY, false],
  ]);
});

describe('sum', () => {
  const rule = metric({ kind: 'sum', property: eprop('Order Completed', 'revenue'), window: within(365, 'd') }, '>=', 1000);
  const history = hist([
    ev('Order Completed', T, { revenue: 600 }),
    ev('Order Completed', T + 10 * DAY, { revenue: 400 }),
    ev('Order Completed', T + 11 * DAY, { revenue: '5000' }),
  ]);
  table(rule, history, [
    ['is false at 600', T + 10 * DAY - 1, false],
    ['is true at exactly 1000', T + 10 * DAY, true],
    ['skips a non-numeric revenue', T + 11 * DAY, true],
    ['is true 1 ms before the first order ages out', T + 365 * DAY - 1, true],
    ['is false when the first order ages out', T + 365 * DAY, false],
  ]);
  it('is 0, not undefined, over no events', () => {
    const zero = metric({ kind: 'sum', property: eprop('Order Completed', 'revenue') }, '=', 0);
    expect(evaluate(zero, hist([]), T)).toBe(true);
  });
});

describe('avg, min and max', () => {
  const history = hist([
    ev('Session Ended', T, { duration_s: 100 }),
    ev('Session Ended', T + DAY, { duration_s: 300 }),
    ev('Session Ended', T + 2 * DAY, { duration_s: 'long' }),
  ]);
  const avg = metric({ kind: 'avg', property: eprop('Session Ended', 'duration_s'), window: within(7, 'd') }, '>', 180);
  table(avg, history, [
    ['avg is false at 100', T + DAY - 1, false],
    ['avg is true at 200', T + DAY, true],
    ['avg skips a non-numeric value', T + 2 * DAY, true],
    ['avg is 300 after the first session ages out', T + 7 * DAY, true],
    ['avg of no numeric value is undefined, so > 180 is false', T + 8 * DAY, false],
  ]);
  it('min and max of nothing are undefined: every comparison is false', () => {
    for (const kind of ['avg', 'min', 'max'] as const) {
      for (const op of ['<', '>=', '!='] as const) {
        expect(evaluate(metric({ kind, property: eprop('Session Ended', 'duration_s') }, op, 0), hist([]), T)).toBe(false);
      }
    }
  });
  it('min and max see the numeric values in the window', () => {
    const min = metric({ kind: 'min', property: eprop('Session Ended', 'duration_s'), window: within(7, 'd') }, '=', 100);
    const max = metric({ kind: 'max', property: eprop('Session Ended', 'duration_s'), window: within(7, 'd') }, '=', 300);
    expect(evaluate(min, history, T + 2 * DAY)).toBe(true);
    expect(evaluate(min, history, T + 7 * DAY)).toBe(false);
    expect(evaluate(max, history, T + DAY - 1)).toBe(false);
    expect(evaluate(max, history, T + DAY)).toBe(true);
  });
});

describe('rate', () => {
  const rate = (minDenominator?: number) =>
    ({
      kind: 'rate',
      numerator: sel('Email Opened'),
      denominator: sel('Email Delivered'),
      window: within(30, 'd'),
      ...(minDenominator === undefined ? {} : { minDenominator }),
    }) as const;
  const delivered = (n: number) => Array.from({ length: n }, (_, i) => ev('Email Delivered', T + i, {}, `d${i}`));
  it('is undefined with a zero denominator: both < and >= are false', () => {
    const h = hist([]);
    expect(evaluate(metric(rate(), '<', 0.1), h, T)).toBe(false);
    expect(evaluate(metric(rate(), '>=', 0.1), h, T)).toBe(false);
    expect(evaluate(not(metric(rate(), '>=', 0.1)), h, T)).toBe(true);
  });
  it('is undefined below the minimum denominator, defined at it', () => {
    expect(evaluate(metric(rate(5), '<', 0.1), hist(delivered(4)), T + 10)).toBe(false);
    expect(evaluate(metric(rate(5), '<', 0.1), hist(delivered(5)), T + 10)).toBe(true);
  });
  it('with a tiny denominator and no minimum, one delivery without an open is a 0% rate', () => {
    expect(evaluate(metric(rate(), '<', 0.1), hist(delivered(1)), T)).toBe(true);
  });
  it('compares with a percentage as a fraction at the exact boundary', () => {
    const h = hist([...delivered(10), ev('Email Opened', T + 20, {}, 'o1')]);
    expect(evaluate(metric(rate(5), '<', 0.1), h, T + 20)).toBe(false);
    expect(evaluate(metric(rate(5), '<=', 0.1), h, T + 20)).toBe(true);
  });
  it('becomes undefined again when deliveries age out below the minimum', () => {
    const h = hist(delivered(5));
    expect(evaluate(metric(rate(5), '<', 0.1), h, T + 30 * DAY - 1)).toBe(true);
    expect(evaluate(metric(rate(5), '<', 0.1), h, T + 30 * DAY)).toBe(false);
  });
});

describe('first_performed', () => {
  const rule: Condition = { kind: 'first_performed', event: sel('Order Completed'), window: within(7, 'd') };
  const history = hist([ev('Order Completed', T), ev('Order Completed', T + 3 * DAY)]);
  table(rule, history, [
    ['is false before the first order', T - 1, false],
    ['is true at the first order', T, true],
    ['is true 1 ms before the first order is 7 d old', T + 7 * DAY - 1, true],
    ['is false when the first order is 7 d old, whatever came later', T + 7 * DAY, false],
  ]);
  it('moves back when a late event turns out to be earlier', () => {
    const late = hist([...history.events, ev('Order Completed', T - DAY, {}, 'late')]);
    expect(evaluate(rule, late, T + 6 * DAY - 1)).toBe(true);
    expect(evaluate(rule, late, T + 6 * DAY)).toBe(false);
  });
});

describe('lapsed', () => {
  const rule: Condition = { kind: 'lapsed', event: sel('Order Completed'), duration: dur(90, 'd') };
  table(rule, hist([ev('Order Completed', T), ev('Order Completed', T + 100 * DAY)]), [
    ['is false for someone who never performed it', T - 1, false],
    ['is false while the order is recent', T, false],
    ['is false 1 ms before 90 d have passed', T + 90 * DAY - 1, false],
    ['is true when exactly 90 d have passed', T + 90 * DAY, true],
    ['is false again at a new order', T + 100 * DAY, false],
    ['is true 90 d after the new order', T + 190 * DAY, true],
  ]);
});

describe('the cart abandoner sequence, keyed by product', () => {
  const rule = sequence('Product Added', 'Order Completed', true, dur(3, 'd'), 'product_id');
  const added = ev('Product Added', T, { product_id: 'P1' }, 'a1');
  table(rule, hist([added, ev('Order Completed', T + DAY, { product_id: 'P2' }, 'o2')]), [
    ['is false 1 ms before the deadline', T + 3 * DAY - 1, false],
    ['enters at exactly added + 3d', T + 3 * DAY, true],
    ['is true 1 ms after the deadline (another product was bought)', T + 3 * DAY + 1, true],
  ]);
  table(rule, hist([added, ev('Order Completed', T + 5 * DAY, { product_id: 'P1' }, 'o1')]), [
    ['is true 1 ms before a purchase after the deadline', T + 5 * DAY - 1, true],
    ['leaves at the purchase, even after the deadline', T + 5 * DAY, false],
    ['stays out after the purchase', T + 50 * DAY, false],
  ]);
  table(rule, hist([added, ev('Order Completed', T + DAY, { product_id: 'P1' }, 'o1')]), [
    ['never enters when the product is bought before the deadline', T + 3 * DAY, false],
  ]);
  table(rule, hist([added, ev('Order Completed', T, { product_id: 'P1' }, 'o0')]), [
    ['is not cancelled by a purchase at the same instant (only strictly later ones count)', T + 3 * DAY, true],
  ]);
  table(rule, hist([added, ev('Order Completed', T + DAY, {}, 'o-nokey')]), [
    ['is not cancelled by a purchase without the key', T + 3 * DAY, true],
  ]);
  table(rule, hist([ev('Product Added', T, {}, 'a-nokey')]), [
    ['never matches an add without the key', T + 3 * DAY, false],
  ]);
  table(rule, hist([added, ev('Order Completed', T + DAY, { product_id: 'P1' }), ev('Product Added', T + 2 * DAY, { product_id: 'P1' }, 'a2')]), [
    ['is false 1 ms before a second add reaches its own deadline', T + 5 * DAY - 1, false],
    ['enters again when an add after the purchase reaches its deadline', T + 5 * DAY, true],
  ]);
});

describe('the unkeyed negated sequence', () => {
  const rule = sequence('Product Added', 'Order Completed', true, dur(3, 'd'));
  table(rule, hist([ev('Product Added', T, { product_id: 'P1' }), ev('Order Completed', T + 4 * DAY, { product_id: 'P2' })]), [
    ['enters at the deadline', T + 3 * DAY, true],
    ['leaves at any purchase, whatever the product', T + 4 * DAY, false],
  ]);
});

describe('the positive sequence', () => {
  const rule = sequence('Product Added', 'Order Completed', false, dur(3, 'd'));
  table(rule, hist([ev('Product Added', T), ev('Order Completed', T + 3 * DAY)]), [
    ['is false before the second step', T + 3 * DAY - 1, false],
    ['holds when the second step comes exactly at the deadline', T + 3 * DAY, true],
  ]);
  table(rule, hist([ev('Product Added', T), ev('Order Completed', T + 3 * DAY + 1)]), [
    ['never holds when the second step comes 1 ms too late', T + 10 * DAY, false],
  ]);
  table(rule, hist([ev('Product Added', T, {}, 'b'), ev('Order Completed', T, {}, 'a')]), [
    ['needs the second step strictly after the first', T + DAY, false],
  ]);
});

describe('last_seen and first_seen', () => {
  const history = hist([ev('Page Viewed', T), ev('Email Opened', T + 2 * DAY)]);
  table({ kind: 'seen', which: 'last', window: within(7, 'd') }, history, [
    ['last_seen within 7d is false before any event', T - 1, false],
    ['last_seen within 7d is true 1 ms before the latest event is 7 d old', T + 9 * DAY - 1, true],
    ['last_seen within 7d is false when it is exactly 7 d old', T + 9 * DAY, false],
  ]);
  table({ kind: 'seen', which: 'first', window: before(30, 'd') }, history, [
    ['first_seen before 30d ago is false 1 ms before the profile is 30 d old', T + 30 * DAY - 1, false],
    ['first_seen before 30d ago is true when it is exactly 30 d old', T + 30 * DAY, true],
  ]);
});

describe('traits', () => {
  const history: ProfileHistory = {
    events: [],
    traits: [
      { time: T, traits: { age: 30, city: 'Brooklyn', address: { city: 'NYC' } } },
      { time: T + DAY, traits: { age: 31 } },
    ],
  };
  table(trait('age', cmp('>=', 31)), history, [
    ['see the value as of t, not the latest stored', T + DAY - 1, false],
    ['see an update from its instant on', T + DAY, true],
  ]);
  table(trait('address.city', cmp('=', 'NYC')), history, [['read nested paths', T, true]]);
  table(trait('plan', cmp('!=', 'pro')), history, [['!= on a missing trait is false', T, false]]);
  table(not(trait('plan', cmp('=', 'pro'))), history, [['not (= …) on a missing trait is true', T, true]]);
  table(trait('plan', { kind: 'missing' }), history, [['is missing holds for a trait never set', T, true]]);
  table(trait('city', { kind: 'in', negated: false, values: [{ kind: 'string', value: 'New York' }, { kind: 'string', value: 'Brooklyn' }] }), history, [
    ['in matches one of the listed cities', T, true],
  ]);
  table(trait('age', cmp('>=', 25)), history, [['do not exist before the first update', T - 1, false]]);
});

describe('in_segment', () => {
  const vip = metric({ kind: 'sum', property: eprop('Order Completed', 'revenue') }, '>=', 100);
  const segments = new Map<string, Condition>([
    ['VIP', vip],
    ['Loop A', { kind: 'in_segment', segment: 'Loop B' }],
    ['Loop B', not({ kind: 'in_segment', segment: 'Loop A' })],
    ['Self', { kind: 'in_segment', segment: 'Self' }],
  ]);
  const history = hist([ev('Order Completed', T, { revenue: 150 })]);
  table({ kind: 'in_segment', segment: 'VIP' }, history, [
    ['is false before the referenced rule holds', T - 1, false],
    ['evaluates the referenced rule on the same history at the same instant', T, true],
  ], { segments });
  table({ kind: 'in_segment', segment: 'Unknown' }, history, [['is false for an unknown segment', T, false]], { segments });
  table({ kind: 'in_segment', segment: 'Self' }, history, [['is false for a reference to itself', T, false]], { segments });
  table({ kind: 'in_segment', segment: 'Loop A' }, history, [
    ['cuts a cycle with false where the reference closes it', T, true],
  ], { segments });
  it('is false without an environment', () => {
    expect(evaluate({ kind: 'in_segment', segment: 'VIP' }, history, T)).toBe(false);
  });
});

describe('score', () => {
  const rule = metric({ kind: 'score', name: 'purchase_propensity' }, '>=', 0.7);
  const history = hist([], {
    scores: [
      { time: T, name: 'purchase_propensity', value: 0.8 },
      { time: T + DAY, name: 'purchase_propensity', value: 0.5 },
      { time: T + DAY, name: 'churn', value: 0.9 },
    ],
  });
  table(rule, history, [
    ['is false before any score (undefined)', T - 1, false],
    ['uses the latest value as of t', T, true],
    ['sees a lower value from its instant', T + DAY, false],
  ]);
});

describe('subscription state', () => {
  const history = hist([], {
    traits: [{ time: T, traits: { email: 'a@example.com' } }],
    subscription: [
      { time: T + DAY, status: 'subscribed' },
      { time: T + 2 * DAY, status: 'hard_bounced' },
    ],
  });
  table({ kind: 'subscription', state: 'subscribed' }, history, [
    ['subscribed is false while the status is unknown', T, false],
    ['subscribed is true from the subscription instant', T + DAY, true],
    ['subscribed is false after a hard bounce', T + 2 * DAY, false],
  ]);
  table({ kind: 'subscription', state: 'email_eligible' }, history, [
    ['email_eligible is false without an email', T - 1, false],
    ['email_eligible counts an unknown status as eligible', T, true],
    ['email_eligible is false from a hard bounce', T + 2 * DAY, false],
  ]);
  const consent = hist([], {
    traits: [{ time: T, traits: { email: 'a@example.com' } }],
    consent: [
      { time: T + DAY, categories: { Marketing: false } },
      { time: T + 2 * DAY, categories: { marketing: true } },
    ],
  });
  table({ kind: 'subscription', state: 'email_eligible' }, consent, [
    ['email_eligible is false while marketing consent (any case) is refused', T + DAY, false],
    ['email_eligible is true again once consent is given back', T + 2 * DAY, true],
  ]);
  table({ kind: 'subscription', state: 'email_eligible' }, hist([], { traits: [{ time: T, traits: { email: '  ' } }] }), [
    ['email_eligible is false for a blank email', T, false],
  ]);
});

describe('late and future-dated events', () => {
  const rule = performed('Email Opened', within(7, 'd'));
  it('gives the same answer whatever order events were stored in', () => {
    const events = [ev('Email Opened', T + DAY), ev('Page Viewed', T), ev('Email Opened', T - 10 * DAY)];
    for (const t of [T - 10 * DAY, T - 3 * DAY - 1, T - 3 * DAY, T + DAY, T + 8 * DAY - 1, T + 8 * DAY]) {
      expect(evaluate(rule, hist(events), t)).toBe(evaluate(rule, hist([...events].reverse()), t));
    }
  });
  it('counts a late event at its event time, not its arrival', () => {
    const late = hist([ev('Page Viewed', T + 5 * DAY), ev('Email Opened', T, {}, 'late')]);
    expect(evaluate(rule, late, T + 7 * DAY - 1)).toBe(true);
    expect(evaluate(rule, late, T + 7 * DAY)).toBe(false);
  });
  it('does not see a future-dated event until its time', () => {
    const future = hist([ev('Email Opened', T + DAY)]);
    expect(evaluate(rule, future, T)).toBe(false);
    expect(evaluate(rule, future, T + DAY)).toBe(true);
  });
});
