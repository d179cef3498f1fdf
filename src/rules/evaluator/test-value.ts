import { assertNever } from '../../core/index.js';
import type { CompareOp, Literal, ValueTest } from '../ast/index.js';
import { parseInstant } from './parse-instant.js';

/**
 * The one implementation of value-test semantics, shared by trait conditions, `where` filters and every engine.
 *
 * - A missing value (absent or `null`) fails every test except `is missing`; in particular `!=` and `not in` are
 *   *false* on a missing value (missing is neither equal nor unequal), so `not (x = "a")` differs from `x != "a"`.
 * - See {@link compareValue} for comparisons; `in` holds when the value `=` one of the literals, `not in` when it
 *   is present and `!=` every literal (so a value of another type is not "not in" a list of strings).
 * - `contains` on a string is a literal, case-sensitive substring test; on an array it holds when an element is
 *   exactly that string. `starts_with` is a literal, case-sensitive prefix test on strings only.
 */
export function testValue(test: ValueTest, value: unknown): boolean {
  switch (test.kind) {
    case 'exists':
      return isPresent(value);
    case 'missing':
      return !isPresent(value);
    case 'compare':
      return compareValue(test.op, value, test.value);
    case 'in':
      if (!isPresent(value)) return false;
      return test.negated
        ? test.values.every((literal) => compareValue('!=', value, literal))
        : test.values.some((literal) => compareValue('=', value, literal));
    case 'contains':
      if (typeof value === 'string') return value.includes(test.value.value);
      if (Array.isArray(value)) return value.some((element) => element === test.value.value);
      return false;
    case 'starts_with':
      return typeof value === 'string' && value.startsWith(test.value.value);
    default:
      return assertNever(test);
  }
}

/** A value is present unless it is `undefined` or `null`. */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Compares a value with a literal. Never coerces:
 * - number literal vs finite number, string literal vs string (UTF-16 code-unit order for `<` and friends,
 *   case-sensitive), boolean literal vs boolean (`=` and `!=` only; ordering a boolean is false);
 * - a date literal compares as an instant with a finite number (epoch milliseconds) or an ISO 8601 string
 *   ({@link parseInstant}); a string that is not ISO 8601 does not compare.
 * Anything else (missing value, another type, an object or array) makes *every* operator false, `!=` included.
 */
export function compareValue(op: CompareOp, value: unknown, literal: Literal): boolean {
  const pair = comparablePair(value, literal);
  if (pair === undefined) return false;
  const [a, b] = pair;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    if (op === '=') return a === b;
    if (op === '!=') return a !== b;
    return false;
  }
  return compareOrdered(op, a, b);
}

/** Applies an operator to two numbers (or two strings): the metric comparison `count(…) >= 2` uses it too. */
export function compareOrdered<T extends number | string>(op: CompareOp, a: T, b: T): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    default:
      return assertNever(op);
  }
}

type Comparable = readonly [number, number] | readonly [string, string] | readonly [boolean, boolean];

function comparablePair(value: unknown, literal: Literal): Comparable | undefined {
  switch (literal.kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && Number.isFinite(literal.value)
        ? [value, literal.value]
        : undefined;
    case 'string':
      return typeof value === 'string' ? [value, literal.value] : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? [value, literal.value] : undefined;
    case 'date': {
      const instant = parseInstant(literal.value);
      const seen = instantOf(value);
      return instant === undefined || seen === undefined ? undefined : [seen, instant];
    }
    default:
      return assertNever(literal);
  }
}

function instantOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseInstant(value);
  return undefined;
}
