import { describe, expect, it } from 'vitest';
import type { Condition } from '../ast/index.js';
import type { ProfileHistory } from '../history.js';
import { evaluate } from './evaluate.js';
import { nextChange } from './next-change.js';
import {
  before,
  between,
  cmp,
  count,
  DAY,
  dur,
  ev,
  hist,
  HOUR,
  metric,
  not,
  performed,
  sequence,
  T0 as T,
  trait,
  within,
} from './testing-builders.js';

type Case = readonly [string, number, number | undefined];

function table(condition: Condition, history: ProfileHistory, cases: readonly Case[]): void {
  it.each(cases)('%s', (_name, t, expected) => {
    expect(nextChange(condition, history, t)).toBe(expected);
  });
}

describe('nextChange of performed within D', () => {
  table(performed('Email Opened', within(7, 'd')), hist([ev('Email Opened', T)]), [
    ['is the event instant for a stored future-dated event', T - 1, T],
    ['is exactly event + D at the event (the half-open window drops it there)', T, T + 7 * DAY],
    ['is still event + D 1 ms before it', T + 7 * DAY - 1, T + 7 * DAY],
    ['is never once the event has left the window', T + 7 * DAY, undefined],
  ]);
});

describe('nextChange of performed before D ago', () => {
  table(performed('Order Completed', before(30, 'd')), hist([ev('Order Completed', T)]), [
    ['is event + D, when the event enters the window', T, T + 30 * DAY],
    ['is event + D from 1 ms before it', T + 30 * DAY - 1, T + 30 * DAY],
    ['is never once it holds', T + 30 * DAY, undefined],
  ]);
});

describe('nextChange of performed between A ago and B ago', () => {
  table(performed('Order Completed', between([30, 'd'], [7, 'd'])), hist([ev('Order Completed', T)]), [
    ['is event + B before the event enters', T, T + 7 * DAY],
    ['is event + A once inside', T + 7 * DAY, T + 30 * DAY],
    ['is never after the event has passed through', T + 30 * DAY, undefined],
  ]);
});

describe('nextChange is tight: it skips instants where nothing flips', () => {
  const rule = metric(count('Product Viewed', within(48, 'h')), '>=', 2);
  const history = hist([
    ev('Product Viewed', T),
    ev('Product Viewed', T + HOUR),
    ev('Product Viewed', T + 2 * HOUR),
  ]);
  table(rule, history, [
    ['skips the first view ageing out (count 3 → 2 keeps it true) and returns the second', T + 2 * HOUR, T + 49 * HOUR],
  ]);
  it('the skipped instant really changes nothing', () => {
    expect(evaluate(rule, history, T + 48 * HOUR)).toBe(true);
    expect(evaluate(rule, history, T + 49 * HOUR)).toBe(false);
  });
});

describe('nextChange of not performed for a young profile', () => {
  const rule = not(performed('Order Completed', within(30, 'd')));
  table(rule, hist([ev('Page Viewed', T)]), [['is never while no order is stored', T, undefined]]);
  table(rule, hist([ev('Page Viewed', T), ev('Order Completed', T + DAY)]), [
    ['is a stored future-dated order becoming visible', T, T + DAY],
    ['is the order ageing out', T + DAY, T + 31 * DAY],
  ]);
});

describe('nextChange of the cart abandoner', () => {
  const rule = sequence('Product Added', 'Order Completed', true, dur(3, 'd'), 'product_id');
  table(rule, hist([ev('Product Added', T, { product_id: 'P1' })]), [
    ['is the deadline while waiting', T, T + 3 * DAY],
    ['is the deadline 1 ms before it', T + 3 * DAY - 1, T + 3 * DAY],
    ['is never after entering when no purchase is stored', T + 3 * DAY, undefined],
  ]);
  table(rule, hist([ev('Product Added', T, { product_id: 'P1' }), ev('Order Completed', T + 5 * DAY, { product_id: 'P1' })]), [
    ['is the deadline, then ...', T, T + 3 * DAY],
    ['... a stored future-dated purchase that takes the person back out', T + 3 * DAY, T + 5 * DAY],
  ]);
  table(rule, hist([ev('Product Added', T, { product_id: 'P1' }), ev('Order Completed', T + DAY, { product_id: 'P1' })]), [
    ['is never after a purchase in time', T + DAY, undefined],
  ]);
});

describe('nextChange of lapsed', () => {
  table({ kind: 'lapsed', event: { kind: 'event', name: 'Order Completed' }, duration: dur(90, 'd') }, hist([ev('Order Completed', T)]), [
    ['is the order becoming visible', T - 1, T + 90 * DAY],
    ['is 90 d after the last order', T + DAY, T + 90 * DAY],
  ]);
});

describe('nextChange of traits, scores and subscription', () => {
  const history = hist([], {
    traits: [
      { time: T, traits: { age: 30 } },
      { time: T + DAY, traits: { age: 31 } },
      { time: T + 2 * DAY, traits: { age: 32 } },
    ],
    scores: [{ time: T + 5 * DAY, name: 'churn_risk', value: 0.9 }],
    subscription: [{ time: T + 3 * DAY, status: 'unsubscribed' }],
  });
  table(trait('age', cmp('>=', 31)), history, [
    ['is a stored future-timed trait update that flips the value', T, T + DAY],
    ['is never when later updates keep it true', T + DAY, undefined],
  ]);
  table(metric({ kind: 'score', name: 'churn_risk' }, '>', 0.5), history, [['is a stored future score', T, T + 5 * DAY]]);
  table({ kind: 'subscription', state: 'subscribed' }, history, [['is never when the future status is not subscribed either', T, undefined]]);
});

describe('nextChange of rate with a minimum denominator', () => {
  const rule = metric(
    {
      kind: 'rate',
      numerator: { kind: 'event', name: 'Email Opened' },
      denominator: { kind: 'event', name: 'Email Delivered' },
      window: within(30, 'd'),
      minDenominator: 2,
    },
    '<',
    0.5,
  );
  const history = hist([ev('Email Delivered', T, {}, 'd1'), ev('Email Delivered', T + DAY, {}, 'd2')]);
  table(rule, history, [
    ['is the second delivery, which makes the rate defined', T, T + DAY],
    ['is the first delivery ageing out, which makes it undefined again', T + DAY, T + 30 * DAY],
  ]);
});
