import { describe, expect, it } from 'vitest';
import { getPath } from './get-path.js';

describe('getPath', () => {
  it('reads nested object properties', () => {
    expect(getPath({ product: { id: 'X' } }, ['product', 'id'])).toBe('X');
  });
  it('indexes arrays with decimal segments only', () => {
    expect(getPath({ items: [{ sku: 'a' }, { sku: 'b' }] }, ['items', '1', 'sku'])).toBe('b');
    expect(getPath({ items: ['a'] }, ['items', 'length'])).toBeUndefined();
  });
  it('never follows the prototype chain', () => {
    expect(getPath({}, ['constructor'])).toBeUndefined();
    expect(getPath({ a: 'x' }, ['a', 'length'])).toBeUndefined();
  });
  it('reads null as missing', () => {
    expect(getPath({ coupon: null }, ['coupon'])).toBeUndefined();
  });
  it('reads through a missing intermediate as missing', () => {
    expect(getPath({ a: 1 }, ['b', 'c'])).toBeUndefined();
  });
});
