import { describe, expect, it } from 'vitest';
import type { Filter } from '../ast/index.js';
import { describeFilter, describeHead, describeLiteral } from './describe.js';
import { cmp, dur, prop, sequence } from './testing-builders.js';

describe('describe helpers', () => {
  it('parenthesise an or inside an and, and a compound under not', () => {
    const or: Filter = { kind: 'filter_or', filters: [prop('a', cmp('=', 1)), prop('b', cmp('=', 2))] };
    const and: Filter = { kind: 'filter_and', filters: [or, prop('c', cmp('>=', 3))] };
    expect(describeFilter(and)).toBe('(a = 1 or b = 2) and c ≥ 3');
    expect(describeFilter({ kind: 'filter_not', filter: and })).toBe('not ((a = 1 or b = 2) and c ≥ 3)');
  });
  it('show percentages as written', () => {
    expect(describeLiteral({ kind: 'number', value: 0.1, percent: true })).toBe('10%');
  });
  it('summarise a keyed negated sequence', () => {
    expect(describeHead(sequence('Product Added', 'Order Completed', true, dur(3, 'd'), 'product_id'))).toBe(
      '"Product Added" then not "Order Completed" within 3d by product_id',
    );
  });
});
