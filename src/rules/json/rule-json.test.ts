import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRule } from '../parser/index.js';
import { arbitraryCondition } from '../testing/index.js';
import { fromRuleJson, toRuleJson } from './index.js';

function codesOf(input: unknown): string[] {
  const r = fromRuleJson(input);
  return r.ok ? [] : r.diagnostics.map((d) => `${d.code} ${d.path ?? ''}`);
}

describe('toRuleJson / fromRuleJson', () => {
  it('writes version 1 and the tree without spans', () => {
    expect(toRuleJson(parseRule('in_segment("VIP")'))).toStrictEqual({
      version: 1,
      condition: { kind: 'in_segment', segment: 'VIP' },
    });
  });

  it('reads back what it writes, through JSON text, for any rule', () => {
    fc.assert(
      fc.property(arbitraryCondition({ exotic: true, maxDepth: 4 }), (c) => {
        const r = fromRuleJson(JSON.parse(JSON.stringify(toRuleJson(c))));
        // JSON text itself cannot tell -0 from 0; everything else must survive.
        expect(r.ok && r.value).toStrictEqual(JSON.parse(JSON.stringify(c)));
        expect(fromRuleJson(toRuleJson(c))).toStrictEqual({ ok: true, value: c });
      }),
      { numRuns: 300 },
    );
  });

  it('accepts and drops span fields', () => {
    const r = fromRuleJson({ version: 1, condition: parseRule('subscribed') });
    expect(r).toStrictEqual({ ok: true, value: { kind: 'subscription', state: 'subscribed' } });
  });

  it('rejects an unknown version', () => {
    expect(codesOf({ version: 2, condition: { kind: 'subscription', state: 'subscribed' } })).toEqual(['RULE1102 $.version']);
  });

  it('rejects unknown kinds and unknown fields, reporting each one', () => {
    expect(
      codesOf({
        version: 1,
        condition: {
          kind: 'and',
          conditions: [
            { kind: 'magic' },
            { kind: 'in_segment', segment: 'VIP', extra: 1 },
            { kind: 'performed', event: { kind: 'event', name: 'A' }, window: { kind: 'within', duration: { amount: 0, unit: 'd' } } },
          ],
        },
      }),
    ).toEqual([
      'RULE1103 $.condition.conditions[0].kind',
      'RULE1104 $.condition.conditions[1].extra',
      'RULE1101 $.condition.conditions[2].window.duration.amount',
    ]);
  });

  it('rejects non-finite numbers, bad dates and wrong types', () => {
    expect(codesOf({ version: 1, condition: { kind: 'trait', path: ['x'], test: { kind: 'compare', op: '=', value: { kind: 'number', value: 'NaN' } } } })).toEqual([
      'RULE1101 $.condition.test.value.value',
    ]);
    expect(codesOf({ version: 1, condition: { kind: 'trait', path: ['x'], test: { kind: 'compare', op: '=', value: { kind: 'date', value: '2024-02-30' } } } })).toEqual([
      'RULE1101 $.condition.test.value.value',
    ]);
    expect(codesOf({ version: 1, condition: { kind: 'trait', path: [], test: { kind: 'exists' } } })).toEqual(['RULE1101 $.condition.path']);
    expect(codesOf('subscribed')).toEqual(['RULE1101 $']);
  });

  it('bounds depth instead of overflowing the stack', () => {
    let c: unknown = { kind: 'subscription', state: 'subscribed' };
    for (let i = 0; i < 100_000; i++) c = { kind: 'not', condition: c };
    expect(codesOf({ version: 1, condition: c })).toEqual(['RULE1016 $.condition' + '.condition'.repeat(65)]);
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(fromRuleJson(v).ok).toBe(false);
        const r = fromRuleJson({ version: 1, condition: v });
        expect(r.ok || r.diagnostics.length > 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on valid rules with one field replaced by an arbitrary value', () => {
    fc.assert(
      fc.property(arbitraryCondition(), fc.nat(), fc.jsonValue(), (c, pick, value) => {
        const doc = JSON.parse(JSON.stringify(toRuleJson(c))) as Record<string, unknown>;
        const objects: Record<string, unknown>[] = [];
        const walk = (x: unknown): void => {
          if (x && typeof x === 'object') {
            if (!Array.isArray(x)) objects.push(x as Record<string, unknown>);
            Object.values(x).forEach(walk);
          }
        };
        walk(doc);
        const target = objects[pick % objects.length]!;
        const keys = Object.keys(target);
        target[keys[pick % keys.length]!] = value;
        const r = fromRuleJson(doc);
        if (!r.ok) expect(r.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
