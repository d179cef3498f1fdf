import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../ast/index.js';
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
import { DAY, HOUR, MINUTE, SECOND } from './testing-builders.js';

const T = Date.UTC(2024, 0, 1);

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
          email: fc.constantFrom('a@example.com', '', null),
        },
        { requiredKeys: [] },
      ),
    }),
    { maxLength: 4 },
  ),
  subscription: fc.array(
    fc.record({
      time: offset.map((o) => T + o),
      status: fc.constantFrom<SubscriptionStatus>('subscribed', 'unsubscribed', 'hard_bounced', 'complained'),
    }),
    { maxLength: 3 },
  ),
  consent: fc.array(
    fc.record({
      time: offset.map((o) => T + o),
      categories: fc.record({ email: fc.boolean(), Marketing: fc.boolean() }, { requiredKeys: [] }),
    }),
    { maxLength: 2 },
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

const scenario = fc.record({
  condition: arbitraryCondition({ maxDepth: 2 }),
  history,
  env,
  t: offset.map((o) => T + o),
  // Fractions of [t, u) to sample, plus a fallback horizon when the value never changes.
  samples: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 4, maxLength: 8 }),
});

describe('nextChange (property)', () => {
  it('never misses a change: the value is constant on [t, u) and differs at u', () => {
    let changing = 0;
    fc.assert(
      fc.property(scenario, ({ condition, history: h, env: e, t, samples }) => {
        const before = evaluate(condition, h, t, e);
        const u = nextChange(condition, h, t, e);
        const end = u ?? t + 60 * DAY;
        expect(end).toBeGreaterThan(t);
        const instants = [t, end - 1, ...samples.map((f) => t + Math.floor(f * (end - t)))];
        for (const s of instants) {
          expect(evaluate(condition, h, s, e), `at ${s - t} ms after t`).toBe(before);
        }
        if (u !== undefined) {
          changing += 1;
          expect(evaluate(condition, h, u, e)).toBe(!before);
        }
      }),
      { numRuns: 400 },
    );
    // The generators must actually produce time-dependent cases, or the check above proves little.
    expect(changing).toBeGreaterThan(40);
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

  it('with no stored data and no time dependence never changes', () => {
    fc.assert(
      fc.property(arbitraryCondition({ maxDepth: 2 }), offset, (condition, o) => {
        expect(nextChange(condition, { events: [], traits: [] }, T + o)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});
