import { describe, expect, it } from 'vitest';
import { checkPlanSchema } from './check-plan-schema.js';
import { newAjv } from './new-ajv.js';
import { violationsOf } from './violations-of.js';

describe('checkPlanSchema', () => {
  it.each([
    ['a non-object', [], ''],
    ['an unknown type name', { properties: { price: { type: 'float' } } }, '/properties/price/type'],
    ['required that is not an array', { required: 'price' }, '/required'],
    ['a user regular expression', { properties: { sku: { type: 'string', pattern: '^(a|a)*$' } } }, '/properties/sku/pattern'],
    ['patternProperties', { patternProperties: { '^x': {} } }, '/patternProperties'],
    ['an unresolvable $ref', { properties: { a: { $ref: '#/definitions/missing' } } }, ''],
    ['an unknown keyword', { type: 'object', requird: ['a'] }, ''],
  ])('refuses %s, with the path of the problem', (_what, schema, path) => {
    const result = checkPlanSchema(schema);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.path).toBe(path);
  });

  it('accepts a property named like a refused keyword, and standard formats', () => {
    expect(checkPlanSchema({ type: 'object', properties: { pattern: { type: 'string', format: 'email' } } }).ok).toBe(true);
  });
});

describe('violationsOf', () => {
  it('maps Ajv errors onto RudderStack\'s violation kinds with dotted fields', () => {
    const validate = newAjv().compile({
      type: 'object',
      required: ['revenue', 'items'],
      additionalProperties: false,
      properties: {
        revenue: { type: 'number' },
        currency: { enum: ['EUR', 'USD'] },
        items: { type: 'array' },
        address: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
      },
    });
    expect(validate({ revenue: '1', currency: 'GBP', extra: 1, address: {} })).toBe(false);
    const found = violationsOf('track', validate.errors ?? []).map((v) => `${v.type} ${v.field}`).sort();
    expect(found).toEqual([
      'Additional-Properties properties.extra',
      'Datatype-Mismatch properties.revenue',
      'Required-Missing properties.address.city',
      'Required-Missing properties.items',
      'Unknown-Violation properties.currency',
    ]);
  });
});
