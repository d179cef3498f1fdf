import { describe, expect, it } from 'vitest';
import { cmp, inList } from './testing-builders.js';
import { compareValue, testValue } from './test-value.js';
import type { ValueTest } from '../ast/index.js';

const contains = (value: string): ValueTest => ({ kind: 'contains', value: { kind: 'string', value } });
const startsWith = (value: string): ValueTest => ({ kind: 'starts_with', value: { kind: 'string', value } });
const exists: ValueTest = { kind: 'exists' };
const missing: ValueTest = { kind: 'missing' };

describe('testValue', () => {
  it.each<[string, ValueTest, unknown, boolean]>([
    ['equal numbers are equal', cmp('=', 25), 25, true],
    ['a number is never equal to its string form', cmp('=', 25), '25', false],
    ['a string is never ordered against a number', cmp('>=', 25), '30', false],
    ['!= across types is false, not true', cmp('!=', 25), 'abc', false],
    ['!= on a missing value is false', cmp('!=', 'a'), undefined, false],
    ['!= on null is false', cmp('!=', 'a'), null, false],
    ['!= on a different string is true', cmp('!=', 'a'), 'b', true],
    ['ordering holds at the bound for >=', cmp('>=', 25), 25, true],
    ['ordering fails just below the bound for >=', cmp('>=', 25), 24.999, false],
    ['strings order by code units', cmp('<', 'b'), 'a', true],
    ['string equality is case-sensitive', cmp('=', 'NYC'), 'nyc', false],
    ['booleans compare for equality', cmp('=', true), true, true],
    ['booleans are never ordered', cmp('>', false), true, false],
    ['an object is never equal to anything', cmp('=', 'x'), { a: 1 }, false],
    ['a date literal compares with an ISO string as an instant', cmp('>=', '@2024-01-31'), '2024-01-31T00:00:00.000Z', true],
    ['a date literal compares with epoch milliseconds', cmp('<', '@2024-01-31'), Date.UTC(2024, 0, 30, 23, 59, 59, 999), true],
    ['a date literal with an offset is converted to UTC', cmp('=', '@2024-01-31T02:00:00+02:00'), '2024-01-31T00:00:00Z', true],
    ['a non-ISO string never compares with a date', cmp('<', '@2024-01-31'), 'yesterday', false],
    ['in matches one of the values', inList(['a', 'b']), 'b', true],
    ['in does not match another value', inList(['a', 'b']), 'c', false],
    ['in on a missing value is false', inList(['a']), undefined, false],
    ['not in holds for a present value outside the list', inList(['a', 'b'], true), 'c', true],
    ['not in fails for a value in the list', inList(['a', 'b'], true), 'a', false],
    ['not in on a missing value is false', inList(['a'], true), undefined, false],
    ['not in on a value of another type is false', inList(['a'], true), 3, false],
    ['not in an empty list holds for a present value', inList([], true), 3, true],
    ['contains finds a literal substring', contains('.*'), 'a.*b', true],
    ['contains does not treat its argument as a pattern', contains('.*'), 'ab', false],
    ['contains finds an exact element in an array', contains('vip'), ['new', 'vip'], true],
    ['contains does not match a partial array element', contains('vi'), ['vip'], false],
    ['contains on a number is false', contains('1'), 12, false],
    ['starts_with tests a literal prefix', startsWith('Pro'), 'Pro plan', true],
    ['starts_with is case-sensitive', startsWith('pro'), 'Pro plan', false],
    ['exists holds for false', exists, false, true],
    ['exists holds for the empty string', exists, '', true],
    ['exists fails for null', exists, null, false],
    ['is missing holds for undefined', missing, undefined, true],
    ['is missing fails for zero', missing, 0, false],
  ])('%s', (_name, test, value, expected) => {
    expect(testValue(test, value)).toBe(expected);
  });

  it('treats an impossible calendar date literal as never comparable', () => {
    expect(compareValue('<', 0, { kind: 'date', value: '2024-02-30' })).toBe(false);
  });
});
