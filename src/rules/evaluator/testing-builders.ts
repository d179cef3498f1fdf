/**
 * Small builders for rule ASTs and histories in tests (no parser needed). Not part of the evaluator's meaning.
 */
import type {
  CompareOp,
  Condition,
  Duration,
  DurationUnit,
  EventProperty,
  EventSelector,
  Filter,
  Literal,
  Metric,
  ValueTest,
  Window,
} from '../ast/index.js';
import type { HistoryEvent, ProfileHistory } from '../history.js';

/** Milliseconds per unit, for writing instants in tests (`3 * DAY`). */
export const SECOND = 1_000;
/** One minute in ms. */
export const MINUTE = 60 * SECOND;
/** One hour in ms. */
export const HOUR = 60 * MINUTE;
/** One day in ms. */
export const DAY = 24 * HOUR;

/** The instant the evaluator's scenarios start from (2024-01-01T00:00:00Z); tests import it as `T`. */
export const T0 = Date.UTC(2024, 0, 1);

/** `dur(3, 'd')`. */
export function dur(amount: number, unit: DurationUnit): Duration {
  return { amount, unit };
}

/** `within 3d`. */
export function within(amount: number, unit: DurationUnit): Window {
  return { kind: 'within', duration: dur(amount, unit) };
}

/** `before 30d ago`. */
export function before(amount: number, unit: DurationUnit): Window {
  return { kind: 'before', duration: dur(amount, unit) };
}

/** `between 30d ago and 7d ago` as `between([30, 'd'], [7, 'd'])`. */
export function between(from: readonly [number, DurationUnit], to: readonly [number, DurationUnit]): Window {
  return { kind: 'between', from: dur(...from), to: dur(...to) };
}

/** A literal from a JS value; strings that look like `@2024-01-31` become date literals. */
export function lit(value: string | number | boolean): Literal {
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (value.startsWith('@')) return { kind: 'date', value: value.slice(1) };
  return { kind: 'string', value };
}

/** `op value` as a value test. */
export function cmp(op: CompareOp, value: string | number | boolean): ValueTest {
  return { kind: 'compare', op, value: lit(value) };
}

/** `in [...]` / `not in [...]`. */
export function inList(values: readonly (string | number | boolean)[], negated = false): ValueTest {
  return { kind: 'in', negated, values: values.map(lit) };
}

/** `path <test>` as a where filter; the path is dotted (`product.id`). */
export function prop(path: string, test: ValueTest): Filter {
  return { kind: 'property', path: path.split('.'), test };
}

/** An event selector, optionally with a where filter. */
export function sel(name: string, where?: Filter): EventSelector {
  return where === undefined ? { kind: 'event', name } : { kind: 'event', name, where };
}

/** `"Order Completed".revenue`. */
export function eprop(event: EventSelector | string, path: string): EventProperty {
  return { kind: 'event_property', event: typeof event === 'string' ? sel(event) : event, path: path.split('.') };
}

/** `traits.<path> <test>`. */
export function trait(path: string, test: ValueTest): Condition {
  return { kind: 'trait', path: path.split('.'), test };
}

/** `performed(selector[, window])`. */
export function performed(event: EventSelector | string, window?: Window): Condition {
  const e = typeof event === 'string' ? sel(event) : event;
  return window === undefined ? { kind: 'performed', event: e } : { kind: 'performed', event: e, window };
}

/** `<metric> op value`. */
export function metric(m: Metric, op: CompareOp, value: number): Condition {
  return { kind: 'metric', metric: m, op, value: { kind: 'number', value } };
}

/** `count(selector[, window])` as a metric. */
export function count(event: EventSelector | string, window?: Window): Metric {
  const e = typeof event === 'string' ? sel(event) : event;
  return window === undefined ? { kind: 'count', event: e } : { kind: 'count', event: e, window };
}

/** A sequence `first then [not] then within D [by key]`. */
export function sequence(
  first: EventSelector | string,
  then: EventSelector | string,
  negated: boolean,
  within: Duration,
  by?: string,
): Condition {
  const f = typeof first === 'string' ? sel(first) : first;
  const s = typeof then === 'string' ? sel(then) : then;
  const node = { kind: 'sequence' as const, first: f, then: s, negated, within };
  return by === undefined ? node : { ...node, by: by.split('.') };
}

/** `a and b …`. */
export function and(...conditions: Condition[]): Condition {
  return { kind: 'and', conditions };
}

/** `a or b …`. */
export function or(...conditions: Condition[]): Condition {
  return { kind: 'or', conditions };
}

/** `not c`. */
export function not(condition: Condition): Condition {
  return { kind: 'not', condition };
}

/** An event; the id defaults to `e<time>` so equal-time events need explicit ids. */
export function ev(
  name: string,
  time: number,
  properties: Record<string, unknown> = {},
  id = `e${time}`,
): HistoryEvent {
  return { id, name, time, properties };
}

/** A history with only events (and any other parts given). */
export function hist(
  events: readonly HistoryEvent[],
  rest: Partial<Omit<ProfileHistory, 'events'>> = {},
): ProfileHistory {
  return { events, traits: [], ...rest };
}
