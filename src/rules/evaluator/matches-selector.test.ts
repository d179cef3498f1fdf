import { describe, expect, it } from 'vitest';
import type { Filter } from '../ast/index.js';
import { matchesSelector } from './matches-selector.js';
import { cmp, ev, inList, prop, sel } from './testing-builders.js';

const toys: Filter = prop('category', cmp('=', 'toys'));
const pricey: Filter = prop('price', cmp('>', 10));

describe('matchesSelector', () => {
  it('needs the exact, case-sensitive event name', () => {
    expect(matchesSelector(sel('Order Completed'), ev('Order Completed', 0))).toBe(true);
    expect(matchesSelector(sel('Order Completed'), ev('order completed', 0))).toBe(false);
  });
  it.each([
    ['and needs every part', { kind: 'filter_and', filters: [toys, pricey] } as Filter, { category: 'toys', price: 5 }, false],
    ['and holds when every part does', { kind: 'filter_and', filters: [toys, pricey] } as Filter, { category: 'toys', price: 11 }, true],
    ['or needs one part', { kind: 'filter_or', filters: [toys, pricey] } as Filter, { category: 'books', price: 11 }, true],
    ['or fails when no part holds', { kind: 'filter_or', filters: [toys, pricey] } as Filter, { price: 1 }, false],
    ['not is plain negation, true on a missing property', { kind: 'filter_not', filter: toys } as Filter, {}, true],
    ['a nested path reads inside objects', prop('product.id', inList(['X', 'Y'])), { product: { id: 'Y' } }, true],
    ['a comparison on a missing property fails', prop('price', cmp('!=', 3)), {}, false],
  ] as const)('a where filter: %s', (_name, where, properties, expected) => {
    expect(matchesSelector(sel('Product Viewed', where), ev('Product Viewed', 0, properties))).toBe(expected);
  });
});
