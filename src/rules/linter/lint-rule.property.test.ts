import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRule } from '../checker/index.js';
import { safeParseRule } from '../parser/index.js';
import { printRule } from '../printer/index.js';
import { arbitraryCondition, EVENT_NAME_POOL, SEGMENT_NAME_POOL } from '../testing/index.js';
import { lintRule } from './index.js';

const catalog = {
  events: Object.fromEntries(EVENT_NAME_POOL.slice(0, 3).map((e) => [e, { properties: { product_id: 'string', revenue: 'number' } as const }])),
  traits: { age: 'number', city: 'string' } as const,
};

describe('checker and linter on generated rules', () => {
  it('never throw, and every diagnostic carries a code, a message and the severity its code implies', () => {
    fc.assert(
      fc.property(arbitraryCondition({ exotic: true, maxDepth: 3 }), (c) => {
        const segments = new Map(SEGMENT_NAME_POOL.map((name) => [name, c]));
        const found = [...checkRule(c, { catalog, segments, segmentName: 'Self', retentionMs: 86_400_000 }), ...lintRule(c)];
        for (const d of found) {
          expect(d.code).toMatch(/^RULE[23]\d{3}$/);
          expect(d.message.length).toBeGreaterThan(0);
          if (d.code.startsWith('RULE3')) expect(d.severity).toBe('warning');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('suggests only fixes that parse, on parsed rules with spans', () => {
    fc.assert(
      fc.property(arbitraryCondition({ maxDepth: 3 }), (generated) => {
        const parsed = safeParseRule(printRule(generated));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        for (const d of lintRule(parsed.value)) {
          if (d.fix) expect(safeParseRule(d.fix.replacement).ok).toBe(true);
          expect(d.span).toBeDefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});
