import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_GROWING_PERCENT, heapGrowingPercent } from './heap-growth.js';

describe('heapGrowingPercent', () => {
  it('caps heap growth at the default when nothing is configured', () => {
    expect(heapGrowingPercent({}, [])).toBe(DEFAULT_HEAP_GROWING_PERCENT);
  });

  it('takes SEGFLOW_HEAP_GROWING_PERCENT, and 0 keeps the V8 heuristic', () => {
    expect(heapGrowingPercent({ SEGFLOW_HEAP_GROWING_PERCENT: '100' }, [])).toBe(100);
    expect(heapGrowingPercent({ SEGFLOW_HEAP_GROWING_PERCENT: '0' }, [])).toBeUndefined();
  });

  it('leaves a node flag given by the operator alone', () => {
    expect(heapGrowingPercent({}, ['--heap-growing-percent=20'])).toBeUndefined();
    expect(heapGrowingPercent({ NODE_OPTIONS: '--max-old-space-size=512 --heap_growing_percent=30' }, [])).toBeUndefined();
  });

  it('refuses a value that is not an integer from 10 to 300', () => {
    for (const raw of ['5', '301', '1.5', 'fifty', '-20']) {
      expect(() => heapGrowingPercent({ SEGFLOW_HEAP_GROWING_PERCENT: raw }, [])).toThrow(/SEGFLOW_HEAP_GROWING_PERCENT must be 0 or an integer from 10 to 300/);
    }
  });
});
