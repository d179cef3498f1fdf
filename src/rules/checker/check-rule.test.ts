import { describe, expect, it } from 'vitest';
import { parseRule } from '../parser/index.js';
import type { CheckContext } from './index.js';
import { checkRule } from './index.js';

const catalog: CheckContext['catalog'] = {
  events: {
    'Product Viewed': { properties: { product_id: 'string', price: 'number' } },
    'Order Completed': { properties: { revenue: 'number', currency: 'string' } },
    'Email Opened': {},
  },
  traits: { age: 'number', city: 'string', signup: 'date', 'address.city': 'string' },
};

function check(text: string, context: CheckContext = { catalog }): string[] {
  return checkRule(parseRule(text), context).map((d) => `${d.code} ${d.message}`);
}

describe('checkRule', () => {
  it('finds nothing wrong with a rule that matches the catalogue', () => {
    expect(check('traits.age >= 25 and traits.address.city = "NYC" and count("Product Viewed" where price > 3, within 7d) >= 2')).toEqual([]);
  });

  it('reports a number trait compared with a string, with a hint to drop the quotes', () => {
    const [d] = checkRule(parseRule('traits.age >= "25"'), { catalog });
    expect(d).toMatchObject({
      code: 'RULE2001',
      severity: 'error',
      message: 'traits.age is a number but is compared with a string; compare it with a number.',
      hint: 'Write 25 without quotes.',
      span: { line: 1, column: 15 },
    });
  });

  it('reports a string property compared with a number inside a where filter and an in list', () => {
    expect(check('performed("Product Viewed" where product_id in ["A", 7], within 7d)')).toEqual([
      'RULE2001 product_id is a string but is compared with a number; compare it with a string.',
    ]);
  });

  it('reports contains on a number', () => {
    expect(check('traits.age contains "3"')).toEqual([
      'RULE2002 contains on traits.age, which is a number; contains and starts_with need a string.',
    ]);
  });

  it('reports sum of a non-numeric property', () => {
    expect(check('sum("Order Completed".currency, within 30d) > 3')).toEqual([
      'RULE2003 sum of "Order Completed".currency, which is a string; sum, avg, min and max need a number.',
    ]);
  });

  it('reports a percentage used outside rate and accepts it in rate', () => {
    expect(check('count("Email Opened", within 7d) > 10%', {})).toEqual([
      'RULE2004 The percentage 10% is only meaningful for rate(...); write it as a plain number (0.1).',
    ]);
    expect(check('rate("Email Opened" / "Product Viewed", within 7d, min 5) > 10%', {})).toEqual([]);
  });

  it('warns about an unknown event with the closest known name', () => {
    expect(check('performed("Prodcut Viewed", within 7d)')).toEqual([
      'RULE2009 Unknown event "Prodcut Viewed"; no such event has been seen. Did you mean "Product Viewed"?',
    ]);
  });

  it('warns about unknown properties of known events and unknown traits', () => {
    expect(check('performed("Product Viewed" where produt_id = "X", within 7d) and traits.cty = "NYC"')).toEqual([
      'RULE2010 Unknown property produt_id on "Product Viewed"; it has never been seen. Did you mean product_id?',
      'RULE2011 Unknown trait traits.cty; it has never been seen. Did you mean traits.city?',
    ]);
  });

  it('reports an unknown segment with a suggestion', () => {
    const segments = { VIP: parseRule('subscribed') };
    expect(check('in_segment("VIp")', { segments })).toEqual(['RULE2005 Unknown segment "VIp". Did you mean "VIP"?']);
  });

  it('reports a reference cycle through other segments and back to the rule itself', () => {
    const segments = new Map([
      ['A', parseRule('in_segment("B")')],
      ['B', parseRule('in_segment("C") or subscribed')],
      ['C', parseRule('in_segment("A")')],
      ['Self', parseRule('in_segment("Me")')],
    ]);
    expect(check('in_segment("A")', { segments })).toEqual([
      'RULE2006 Segment references form a cycle: A → B → C → A. A segment cannot depend on itself.',
    ]);
    expect(check('in_segment("Self")', { segments, segmentName: 'Me' })).toEqual([
      'RULE2006 Segment references form a cycle: Me → Self → Me. A segment cannot depend on itself.',
    ]);
    expect(check('in_segment("B") and in_segment("Me")', { segments: new Map([['B', parseRule('subscribed')]]), segmentName: 'Me' })).toEqual([
      'RULE2006 Segment references form a cycle: Me → Me. A segment cannot depend on itself.',
    ]);
  });

  it('reports windows reaching beyond the retention period', () => {
    const retentionMs = 365 * 86_400_000;
    expect(check('performed("A", within 400d) or performed("A", within 365d) or lapsed("A", 52w)', { retentionMs })).toEqual([
      'RULE2007 The window within 400d reaches further back than the 365d of history kept; shorten it to at most 365d.',
    ]);
    expect(check('performed("A", before 365d ago) or count("A", between 366d ago and 1d ago) > 1', { retentionMs })).toHaveLength(2);
  });

  it('reports a between window whose edges are reversed', () => {
    expect(check('performed("A", between 7d ago and 30d ago)', {})).toEqual([
      'RULE2008 In between 7d ago and 30d ago the first edge must be the older one; write between 30d ago and 7d ago.',
    ]);
  });

  it('checks the key of a keyed sequence against both events', () => {
    expect(check('"Product Viewed" then not "Order Completed" within 3d by product_id')).toEqual([
      'RULE2010 Unknown property product_id on "Order Completed"; it has never been seen.',
    ]);
  });
});
