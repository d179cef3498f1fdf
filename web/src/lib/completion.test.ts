import { describe, expect, it } from 'vitest';
import { completionAt } from './completion.js';
import type { Catalog } from './types.js';

const catalog: Catalog = {
  events: ['Order Completed', 'Product Added', 'Product Viewed'],
  properties: { 'Product Viewed': [{ name: 'product_id', type: 'string' }, { name: 'price', type: 'number' }] },
  traits: [{ name: 'age', type: 'number' }, { name: 'city', type: 'string' }],
};

const at = (text: string) => completionAt(text, text.length, catalog);

describe('completionAt', () => {
  it('offers event names seen in the data inside an event string, closing the quote', () => {
    const c = at('performed("Prod');
    expect(c?.options.map((o) => o.insert)).toEqual(['Product Added"', 'Product Viewed"']);
    expect(c).toMatchObject({ from: 'performed("'.length, to: 'performed("Prod'.length });
  });

  it('offers trait names after traits.', () => {
    expect(at('traits.c')?.options.map((o) => o.label)).toEqual(['city']);
  });

  it('offers the property names of the event named before `where`', () => {
    expect(at('count("Product Viewed" where pr')?.options.map((o) => o.label)).toEqual(['product_id', 'price']);
  });

  it('offers nothing outside a place that takes a name, or without a catalogue', () => {
    expect(at('traits.age >= 2')).toBeUndefined();
    expect(completionAt('performed("Pro', 14, undefined)).toBeUndefined();
  });
});
