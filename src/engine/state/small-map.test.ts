import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SmallMap } from './small-map.js';

describe('SmallMap', () => {
  it('answers get, has and size as a Map does after any sequence of sets and deletes', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 7 }), value: fc.integer() }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('clear' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const small = new SmallMap<number, number>();
        const map = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            small.set(o.key, o.value);
            map.set(o.key, o.value);
          } else if (o.kind === 'delete') {
            expect(small.delete(o.key)).toBe(map.delete(o.key));
          } else {
            small.clear();
            map.clear();
          }
          expect(small.size).toBe(map.size);
          for (let k = 0; k < 8; k++) {
            expect(small.get(k)).toBe(map.get(k));
            expect(small.has(k)).toBe(map.has(k));
          }
          expect(new Map(small)).toEqual(map);
          expect(new Set(small.keys())).toEqual(new Set(map.keys()));
        }
      }),
    );
  });
});
