import { describe, expect, it } from 'vitest';
import { ValidatorCache } from './validator-cache.js';

describe('ValidatorCache', () => {
  it('compiles a schema once and reuses it', () => {
    const cache = new ValidatorCache({ maxEntries: 10 });
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const first = cache.get('k', schema);
    expect(cache.get('k', schema)).toBe(first);
    expect(cache.compiled).toBe(1);
    expect(first({ a: 1 })).toBe(true);
    expect(first({ a: 'x' })).toBe(false);
  });

  it('holds at most maxEntries validators, and Ajv\'s own cache stays as small, across thousands of schemas', () => {
    const cache = new ValidatorCache({ maxEntries: 50 });
    // Ajv holds its meta-schemas from the start; what matters is that compiled user schemas do not pile up.
    const base = cache.ajvCacheSize;
    for (let i = 0; i < 3000; i++) {
      cache.get(`k${i}`, { type: 'object', properties: { [`p${i}`]: { type: 'string' } }, required: [`p${i}`] });
      expect(cache.size).toBeLessThanOrEqual(50);
    }
    expect(cache.size).toBe(50);
    expect(cache.ajvCacheSize).toBeLessThanOrEqual(base + 50);
    expect(cache.compiled).toBe(3000);
  });

  it('keeps the most recently used validator when it evicts', () => {
    const cache = new ValidatorCache({ maxEntries: 2 });
    cache.get('a', { type: 'string' });
    cache.get('b', { type: 'number' });
    cache.get('a', { type: 'string' });
    cache.get('c', { type: 'boolean' });
    const compiled = cache.compiled;
    cache.get('a', { type: 'string' });
    expect(cache.compiled).toBe(compiled);
    cache.get('b', { type: 'number' });
    expect(cache.compiled).toBe(compiled + 1);
  });
});
