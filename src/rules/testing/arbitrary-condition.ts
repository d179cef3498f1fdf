import fc from 'fast-check';
import type {
  Condition,
  Duration,
  DurationUnit,
  EventProperty,
  EventSelector,
  Filter,
  Literal,
  Metric,
  NumberLiteral,
  StringLiteral,
  ValueTest,
  Window,
  CompareOp,
} from '../ast/index.js';

/** Event names generated rules use: small on purpose, so generated rules match generated histories. */
export const EVENT_NAME_POOL = [
  'Product Viewed',
  'Product Added',
  'Order Completed',
  'Email Opened',
  'Email Delivered',
] as const;

/** Event property names generated rules use (all event kinds may carry all of them). */
export const PROPERTY_NAME_POOL = ['product_id', 'revenue', 'price'] as const;

/** String values generated for `product_id` and string comparisons. */
export const STRING_VALUE_POOL = ['X', 'Y', 'Z'] as const;

/** Trait paths generated rules use. */
export const TRAIT_PATH_POOL: readonly (readonly string[])[] = [['age'], ['city'], ['plan'], ['address', 'city']];

/** Segment names generated `in_segment` conditions refer to. */
export const SEGMENT_NAME_POOL = ['VIP', 'Churned'] as const;

/** Score names generated `score(…)` metrics use. */
export const SCORE_NAME_POOL = ['purchase_propensity', 'churn_risk'] as const;

/** Options of {@link arbitraryCondition}. */
export interface ArbitraryConditionOptions {
  /** Maximum nesting of and/or/not (default 3). */
  readonly maxDepth?: number;
  /**
   * Also generate exotic values (any unicode string, any finite double, odd property names that need quoting,
   * long durations): for syntax round-trip tests. Default false: values come from the small pools above.
   */
  readonly exotic?: boolean;
  /** Largest duration generated, in the unit chosen (default 10 in the pool mode). */
  readonly maxDurationAmount?: number;
  /**
   * Leaf kinds never to generate, e.g. `['in_segment', 'metric']` for a test without other segments or
   * scores. and/or/not are always available. Excluding every leaf kind is an error.
   */
  readonly exclude?: readonly LeafKind[];
}

/** The condition kinds that are leaves of the tree (everything but and/or/not). */
export type LeafKind = Exclude<Condition['kind'], 'and' | 'or' | 'not'>;

/** `fc.record` with ordinary prototypes, so generated trees deep-equal parsed ones under `toStrictEqual`. */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as unknown as fc.Arbitrary<T>;
}

const COMPARE_OPS: readonly CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];
// Seconds to days keeps windows short enough that generated histories cross their edges.
const SMALL_UNITS: readonly DurationUnit[] = ['s', 'm', 'h', 'd'];
const ALL_UNITS: readonly DurationUnit[] = ['s', 'm', 'h', 'd', 'w'];

/**
 * A fast-check arbitrary of rule conditions exactly as the parser produces them (no spans, no `undefined`
 * optional fields, and/or with at least two conditions, `between` windows with the older edge first).
 * Shared by the parser/printer round-trip tests and the evaluator and engine property tests.
 */
export function arbitraryCondition(options: ArbitraryConditionOptions = {}): fc.Arbitrary<Condition> {
  const maxDepth = options.maxDepth ?? 3;
  const exotic = options.exotic ?? false;
  const maxAmount = options.maxDurationAmount ?? (exotic ? 100_000 : 10);

  const duration: fc.Arbitrary<Duration> = rec({
    amount: fc.integer({ min: 1, max: maxAmount }),
    unit: fc.constantFrom(...(exotic ? ALL_UNITS : SMALL_UNITS)),
  });
  const window: fc.Arbitrary<Window> = fc.oneof(
    { weight: 4, arbitrary: duration.map((d): Window => ({ kind: 'within', duration: d })) },
    { weight: 1, arbitrary: duration.map((d): Window => ({ kind: 'before', duration: d })) },
    {
      weight: 1,
      // `from` is the older edge: same unit, strictly larger amount.
      arbitrary: fc
        .tuple(fc.integer({ min: 1, max: maxAmount }), fc.integer({ min: 1, max: maxAmount }), fc.constantFrom(...SMALL_UNITS))
        .filter(([a, b]) => a !== b)
        .map(([a, b, unit]): Window => ({
          kind: 'between',
          from: { amount: Math.max(a, b), unit },
          to: { amount: Math.min(a, b), unit },
        })),
    },
  );

  const identifier = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
  const pathSegment = exotic
    ? fc.oneof(identifier, fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('and', 'not', 'count', 'in'))
    : fc.constantFrom(...PROPERTY_NAME_POOL);
  const propertyPath: fc.Arbitrary<readonly string[]> = exotic
    ? fc.array(pathSegment, { minLength: 1, maxLength: 3 })
    : fc.constantFrom(...PROPERTY_NAME_POOL).map((p) => [p]);
  const traitPath: fc.Arbitrary<readonly string[]> = exotic
    ? fc.array(pathSegment, { minLength: 1, maxLength: 3 })
    : fc.constantFrom(...TRAIT_PATH_POOL);
  const eventName = exotic ? fc.oneof(fc.constantFrom(...EVENT_NAME_POOL), fc.string()) : fc.constantFrom(...EVENT_NAME_POOL);

  const stringLiteral: fc.Arbitrary<StringLiteral> = (
    exotic ? fc.oneof(fc.constantFrom(...STRING_VALUE_POOL), fc.string()) : fc.constantFrom(...STRING_VALUE_POOL)
  ).map((value) => ({ kind: 'string', value }));
  const plainNumber = exotic
    ? fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: true, noDefaultInfinity: true }))
    : fc.integer({ min: 0, max: 200 });
  const numberLiteral: fc.Arbitrary<NumberLiteral> = plainNumber.map((value) => ({ kind: 'number', value }));
  const percentLiteral: fc.Arbitrary<NumberLiteral> = fc
    .integer({ min: 0, max: 100 })
    .map((p) => ({ kind: 'number', value: p / 100, percent: true }));
  const dateLiteral: fc.Arbitrary<Literal> = fc
    .constantFrom('2024-01-31', '2025-06-01T12:00:00Z', '2026-01-01T00:00:00.000+02:00')
    .map((value) => ({ kind: 'date', value }));
  const literal: fc.Arbitrary<Literal> = fc.oneof(
    { weight: 3, arbitrary: stringLiteral },
    { weight: 3, arbitrary: numberLiteral },
    { weight: 1, arbitrary: fc.boolean().map((value): Literal => ({ kind: 'boolean', value })) },
    { weight: exotic ? 1 : 0, arbitrary: dateLiteral },
  );

  const valueTest: fc.Arbitrary<ValueTest> = fc.oneof(
    {
      weight: 5,
      arbitrary: rec({ kind: fc.constant('compare' as const), op: fc.constantFrom(...COMPARE_OPS), value: literal }),
    },
    {
      weight: 2,
      arbitrary: rec({
        kind: fc.constant('in' as const),
        negated: fc.boolean(),
        values: fc.array(literal, { minLength: exotic ? 0 : 1, maxLength: 3 }),
      }),
    },
    {
      weight: 1,
      arbitrary: rec({ kind: fc.constantFrom('contains' as const, 'starts_with' as const), value: stringLiteral }),
    },
    { weight: 1, arbitrary: rec({ kind: fc.constantFrom('exists' as const, 'missing' as const) }) },
  );

  const { filter } = fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', withCrossShrink: true, maxDepth: 2 },
      rec({ kind: fc.constant('property' as const), path: propertyPath, test: valueTest }),
      rec({
        kind: fc.constantFrom('filter_and' as const, 'filter_or' as const),
        filters: fc.array(tie('filter'), { minLength: 2, maxLength: 3 }),
      }),
      rec({ kind: fc.constant('filter_not' as const), filter: tie('filter') }),
    ),
  }));

  const selector: fc.Arbitrary<EventSelector> = fc
    .tuple(eventName, fc.option(filter, { freq: 3, nil: undefined }))
    .map(([name, where]) => (where ? { kind: 'event', name, where } : { kind: 'event', name }));
  const property: fc.Arbitrary<EventProperty> = fc
    .tuple(selector, exotic ? propertyPath : fc.constantFrom(['revenue'], ['price']))
    .map(([event, path]) => ({ kind: 'event_property', event, path }));
  const optionalWindow = fc.option(window, { freq: 5, nil: undefined });
  const withWindow = <T extends object>(base: T, w: Window | undefined): T => (w ? { ...base, window: w } : base);

  const metric: fc.Arbitrary<Metric> = fc.oneof(
    fc.tuple(selector, optionalWindow).map(([event, w]): Metric => withWindow({ kind: 'count', event }, w)),
    fc
      .tuple(selector, optionalWindow)
      .map(([event, w]): Metric =>
        withWindow({ kind: 'count_distinct', property: { kind: 'event_property', event, path: ['product_id'] } }, w),
      ),
    fc
      .tuple(fc.constantFrom('sum' as const, 'avg' as const, 'min' as const, 'max' as const), property, optionalWindow)
      .map(([kind, prop, w]): Metric => withWindow({ kind, property: prop }, w)),
    fc
      .tuple(selector, selector, optionalWindow, fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }))
      .map(([numerator, denominator, w, min]): Metric => {
        const base = withWindow({ kind: 'rate' as const, numerator, denominator }, w);
        return min === undefined ? base : { ...base, minDenominator: min };
      }),
    fc.constantFrom(...SCORE_NAME_POOL).map((name): Metric => ({ kind: 'score', name })),
  );
  const metricNode: fc.Arbitrary<Extract<Condition, { kind: 'metric' }>> = metric.chain((m) =>
    rec({
      kind: fc.constant('metric' as const),
      metric: fc.constant(m),
      op: fc.constantFrom(...COMPARE_OPS),
      value: m.kind === 'rate' ? percentLiteral : m.kind === 'score' ? fc.integer({ min: 0, max: 10 }).map((n): NumberLiteral => ({ kind: 'number', value: n / 10 })) : numberLiteral,
    }),
  );

  // One generator per leaf kind, keyed by the kind: a new kind of condition fails to compile here until it is
  // generated (and so covered by every property test built on this, the engine's included).
  const leaves: { readonly [K in LeafKind]: fc.Arbitrary<Extract<Condition, { kind: K }>> } = {
    trait: rec({ kind: fc.constant('trait' as const), path: traitPath, test: valueTest }),
    performed: fc.tuple(selector, optionalWindow).map(([event, w]) => withWindow({ kind: 'performed' as const, event }, w)),
    first_performed: fc.tuple(selector, optionalWindow).map(([event, w]) => withWindow({ kind: 'first_performed' as const, event }, w)),
    lapsed: rec({ kind: fc.constant('lapsed' as const), event: selector, duration }),
    metric: metricNode,
    sequence: fc
      .tuple(selector, selector, fc.boolean(), duration, fc.option(propertyPath, { nil: undefined }))
      .map(([first, then, negated, within, by]) => {
        const base = { kind: 'sequence' as const, first, then, negated, within };
        return by ? { ...base, by } : base;
      }),
    seen: rec({ kind: fc.constant('seen' as const), which: fc.constantFrom('first' as const, 'last' as const), window }),
    in_segment: rec({ kind: fc.constant('in_segment' as const), segment: exotic ? fc.string() : fc.constantFrom(...SEGMENT_NAME_POOL) }),
    subscription: rec({ kind: fc.constant('subscription' as const), state: fc.constantFrom('subscribed' as const, 'email_eligible' as const) }),
    consent: rec({ kind: fc.constant('consent' as const), category: fc.constantFrom('marketing', 'Analytics', 'email') }),
    // two arms of equal weight (or a 1:3 split) so that the pool's few profile ids fall on both sides
    experiment_arm: fc
      .tuple(exotic ? fc.string() : fc.constantFrom('exp-a', 'exp-b'), fc.constantFrom([1, 1], [1, 3], [0.25, 0.5, 0.25]), fc.nat(2))
      .map(([experiment, weights, pick]) => {
        const arms = weights.map((weight, i) => ({ name: `arm${i}`, weight }));
        return { kind: 'experiment_arm' as const, experiment, arm: arms[pick % arms.length]?.name ?? 'arm0', salt: `${experiment}-salt`, arms };
      }),
  };
  const allowed = (Object.entries(leaves) as [LeafKind, fc.Arbitrary<Condition>][])
    .filter(([kind]) => !(options.exclude ?? []).includes(kind))
    .map(([, arb]) => arb);
  if (allowed.length === 0) throw new Error('arbitraryCondition: every leaf kind is excluded');
  const leaf: fc.Arbitrary<Condition> = fc.oneof(...allowed);

  const build = (depth: number): fc.Arbitrary<Condition> => {
    if (depth <= 0) return leaf;
    const sub = build(depth - 1);
    return fc.oneof(
      { weight: 3, arbitrary: leaf },
      {
        weight: 2,
        arbitrary: rec({
          kind: fc.constantFrom('and' as const, 'or' as const),
          conditions: fc.array(sub, { minLength: 2, maxLength: 3 }),
        }),
      },
      { weight: 1, arbitrary: rec({ kind: fc.constant('not' as const), condition: sub }) },
    );
  };
  return build(maxDepth);
}
