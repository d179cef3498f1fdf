import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationMs } from '../ast/index.js';
import type { Condition, DurationUnit } from '../ast/index.js';
import type { HistoryEvent, ProfileHistory, SubscriptionStatus } from '../history.js';
import {
  arbitraryCondition,
  EVENT_NAME_POOL,
  SCORE_NAME_POOL,
  SEGMENT_NAME_POOL,
  STRING_VALUE_POOL,
} from '../testing/index.js';
import { evaluate } from './evaluate.js';
import type { EvalEnv } from './eval-env.js';
import { nextChange } from './next-change.js';
import { DAY, HOUR, MINUTE, SECOND, T0 as T } from './testing-builders.js';

// Offsets on coarse grids (whole seconds, minutes, hours, days) so that stored times and rule durations line up
// and land exactly on each other's window edges, plus a few arbitrary milliseconds.
const offset: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map((n) => n * DAY),
  fc.integer({ min: -48, max: 48 }).map((n) => n * HOUR),
  fc.integer({ min: -120, max: 120 }).map((n) => n * MINUTE),
  fc.integer({ min: -120, max: 120 }).map((n) => n * SECOND),
  fc.integer({ min: -20 * DAY, max: 20 * DAY }),
);

const propertyValue = fc.oneof(
  fc.constantFrom(...STRING_VALUE_POOL),
  fc.integer({ min: 0, max: 200 }),
  fc.constant('12'),
  fc.constant(null),
);

const event: fc.Arbitrary<Omit<HistoryEvent, 'id'>> = fc.record({
  name: fc.constantFrom(...EVENT_NAME_POOL, 'Page Viewed'),
  time: offset.map((o) => T + o),
  properties: fc.record(
    { product_id: propertyValue, revenue: propertyValue, price: propertyValue },
    { requiredKeys: [] },
  ),
});

const history: fc.Arbitrary<ProfileHistory> = fc.record({
  events: fc
    .array(event, { maxLength: 14 })
    .map((events) => events.map((e, i): HistoryEvent => ({ ...e, id: `e${String(i).padStart(2, '0')}` }))),
  traits: fc.array(
    fc.record({
      time: offset.map((o) => T + o),
      traits: fc.record(
        {
          age: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constant(null), fc.constant('40')),
          city: fc.oneof(fc.constantFrom(...STRING_VALUE_POOL), fc.constant(null)),
          plan: fc.constantFrom(...STRING_VALUE_POOL),
          address: fc.record({ city: fc.constantFrom(...STRING_VALUE_POOL) }),
          email: fc.constantFrom('a@example.com', 'a@example.com', 'a@example.com', '', null),
        },
        { requiredKeys: [] },
      ),
    }),
    { maxLength: 4 },
  ),
  subscription: fc.array(
    fc.record({
      time: offset.map((o) => T + o),
      status: fc.constantFrom<SubscriptionStatus>('subscribed', 'subscribed', 'unsubscribed', 'hard_bounced', 'complained'),
    }),
    { maxLength: 3 },
  ),
  consent: fc.array(
    fc.record({
      time: offset.map((o) => T + o),
      categories: fc.record({ email: fc.boolean(), Marketing: fc.boolean() }, { requiredKeys: [] }),
    }),
    { maxLength: 3 },
  ),
  scores: fc.array(
    fc.record({
      time: offset.map((o) => T + o),
      name: fc.constantFrom(...SCORE_NAME_POOL),
      value: fc.integer({ min: 0, max: 10 }).map((n) => n / 10),
    }),
    { maxLength: 3 },
  ),
});

const env: fc.Arbitrary<EvalEnv> = fc
  .tuple(arbitraryCondition({ maxDepth: 1 }), arbitraryCondition({ maxDepth: 1 }))
  .map(([a, b]) => ({ segments: new Map<string, Condition>([[SEGMENT_NAME_POOL[0], a], [SEGMENT_NAME_POOL[1], b]]) }));

/**
 * An evaluation instant: anywhere, or (more often) a whole number of seconds / minutes / hours / days after a
 * stored event, ±1 ms, so that t lands inside and on the edges of the rules' windows around real events.
 */
function instantNear(h: ProfileHistory): fc.Arbitrary<number> {
  const anywhere = offset.map((o) => T + o);
  if (h.events.length === 0) return anywhere;
  const near = fc
    .tuple(
      fc.constantFrom(...h.events.map((e) => e.time)),
      fc.integer({ min: 0, max: 12 }),
      fc.constantFrom(SECOND, MINUTE, HOUR, DAY),
      fc.constantFrom(-1, 0, 0, 1),
    )
    .map(([x, n, unit, jitter]) => x + n * unit + jitter);
  return fc.oneof({ weight: 1, arbitrary: anywhere }, { weight: 3, arbitrary: near });
}

const scenario = fc.record({
  // an experiment arm is constant in time (and these histories carry no profile id): it adds no case here
  condition: arbitraryCondition({ maxDepth: 2, exclude: ['experiment_arm'] }),
  history,
  env,
}).chain((s) => fc.record({
  condition: fc.constant(s.condition),
  history: fc.constant(s.history),
  env: fc.constant(s.env),
  t: instantNear(s.history),
  // Fractions of [t, u) to sample, plus a fallback horizon when the value never changes.
  samples: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 4, maxLength: 8 }),
}));

/**
 * The test's own, deliberately naive grid of instants where a value could change: every stored time of every
 * kind plus every duration found anywhere in the rules (found by walking the JSON, not by reading the AST).
 * Checking these (and 1 ms before each) catches short-lived changes that uniform sampling would miss.
 */
function naiveGrid(h: ProfileHistory, rules: readonly unknown[]): number[] {
  const durations = new Set<number>([0]);
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x instanceof Map) [...x.values()].forEach(walk);
    else if (x !== null && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (typeof o['amount'] === 'number' && typeof o['unit'] === 'string') {
        durations.add(durationMs({ amount: o['amount'], unit: o['unit'] as DurationUnit }));
      }
      Object.values(o).forEach(walk);
    }
  };
  rules.forEach(walk);
  const times = [h.events, h.traits, h.subscription ?? [], h.consent ?? [], h.scores ?? []].flatMap((xs) => xs.map((x) => x.time));
  return times.flatMap((x) => [...durations].flatMap((d) => [x + d - 1, x + d]));
}

describe('nextChange (property)', () => {
  const truthful = (condition: Condition, h: ProfileHistory, e: EvalEnv, t: number, samples: readonly number[]): boolean => {
    const before = evaluate(condition, h, t, e);
    const u = nextChange(condition, h, t, e);
    const end = u ?? t + 60 * DAY;
    expect(end).toBeGreaterThan(t);
    const grid = naiveGrid(h, [condition, e.segments]).filter((s) => s >= t && s < end);
    const instants = [t, end - 1, ...samples.map((f) => t + Math.floor(f * (end - t))), ...grid];
    for (const s of instants) {
      expect(evaluate(condition, h, s, e), `at ${s - t} ms after t`).toBe(before);
    }
    if (u !== undefined) expect(evaluate(condition, h, u, e)).toBe(!before);
    return u !== undefined;
  };

  it('never misses a change: the value is constant on [t, u) and differs at u', () => {
    let changing = 0;
    fc.assert(
      fc.property(scenario, ({ condition, history: h, env: e, t, samples }) => {
        if (truthful(condition, h, e, t, samples)) changing += 1;
      }),
      { numRuns: 400 },
    );
    // The generators must actually produce time-dependent cases, or the check above proves little.
    expect(changing).toBeGreaterThan(40);
  });

  it('never misses a change of a single construct (more runs per kind of leaf)', () => {
    const leaves = fc.tuple(arbitraryCondition({ maxDepth: 0 }), history).chain(([condition, h]) => fc.record({
      condition: fc.constant(condition),
      history: fc.constant(h),
      t: instantNear(h),
      samples: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 2, maxLength: 4 }),
    }));
    fc.assert(
      fc.property(leaves, ({ condition, history: h, t, samples }) => {
        truthful(condition, h, {}, t, samples);
      }),
      { numRuns: 3000 },
    );
  });

  it('never misses a change when rules and histories share only two event names (dense interactions)', () => {
    // Renames every selector's event to "A" or "B" so that sequences, rates and filters meet matching events often.
    const narrow = (c: Condition): Condition =>
      JSON.parse(JSON.stringify(c), (key, value: unknown) =>
        value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'event'
          ? { ...value, name: ['Product Viewed', 'Product Added', 'Email Delivered'].includes((value as { name: string }).name) ? 'A' : 'B' }
          : value,
      ) as Condition;
    const denseHistory = history.map((h) => ({ ...h, events: h.events.map((e, i) => ({ ...e, name: i % 3 === 0 ? 'B' : 'A' })) }));
    const dense = fc.tuple(arbitraryCondition({ maxDepth: 1 }), denseHistory).chain(([condition, h]) =>
      fc.record({
        condition: fc.constant(narrow(condition)),
        history: fc.constant(h),
        t: instantNear(h),
        samples: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 2, maxLength: 4 }),
      }),
    );
    fc.assert(
      fc.property(dense, ({ condition, history: h, t, samples }) => {
        truthful(condition, h, {}, t, samples);
      }),
      { numRuns: 1500 },
    );
  });

  it('never misses a change of a sequence (targeted: two names, keys, hours)', () => {
    const sequences = fc
      .record({
        negated: fc.boolean(),
        hours: fc.integer({ min: 1, max: 10 }),
        keyed: fc.boolean(),
        events: fc.array(
          fc.record({
            name: fc.constantFrom('A', 'B'),
            hour: fc.integer({ min: 0, max: 30 }),
            product_id: fc.constantFrom('X', 'Y', undefined),
          }),
          { maxLength: 8 },
        ),
      })
      .chain(({ negated, hours, keyed, events }) => {
        const condition: Condition = {
          kind: 'sequence',
          first: { kind: 'event', name: 'A' },
          then: { kind: 'event', name: 'B' },
          negated,
          within: { amount: hours, unit: 'h' },
          ...(keyed ? { by: ['product_id'] } : {}),
        };
        const h: ProfileHistory = {
          events: events.map((e, i) => ({
            id: `e${i}`,
            name: e.name,
            time: T + e.hour * HOUR,
            properties: e.product_id === undefined ? {} : { product_id: e.product_id },
          })),
          traits: [],
        };
        return fc.record({
          condition: fc.constant(condition),
          history: fc.constant(h),
          t: instantNear(h),
          samples: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 2, maxLength: 4 }),
        });
      });
    fc.assert(
      fc.property(sequences, ({ condition, history: h, t, samples }) => {
        truthful(condition, h, {}, t, samples);
      }),
      { numRuns: 800 },
    );
  });

  it('is the same instant from anywhere before it', () => {
    fc.assert(
      fc.property(scenario, ({ condition, history: h, env: e, t, samples }) => {
        const u = nextChange(condition, h, t, e);
        if (u === undefined) return;
        const s = t + Math.floor((samples[0] ?? 0) * (u - t));
        expect(nextChange(condition, h, s, e)).toBe(u);
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order events are stored in (late events count at their event time)', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), ({ condition, history: h, env: e, t }, seed) => {
        const shuffled = [...h.events].sort((a, b) => ((a.time * 31 + seed) % 7) - ((b.time * 31 + seed) % 7) || (a.id < b.id ? 1 : -1));
        const reordered = { ...h, events: shuffled };
        expect(evaluate(condition, reordered, t, e)).toBe(evaluate(condition, h, t, e));
        expect(nextChange(condition, reordered, t, e)).toBe(nextChange(condition, h, t, e));
      }),
      { numRuns: 200 },
    );
  });

  it('with no stored data and no time dependence never changes', () => {
    fc.assert(
      fc.property(arbitraryCondition({ maxDepth: 2 }), offset, (condition, o) => {
        expect(nextChange(condition, { events: [], traits: [] }, T + o)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});
