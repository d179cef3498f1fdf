import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../ast/index.js';
import { arbitraryCondition, EVENT_NAME_POOL } from './index.js';

function eventNames(c: Condition, out: string[] = []): string[] {
  const json = JSON.stringify(c);
  for (const m of json.matchAll(/"kind":"event","name":("(?:[^"\\]|\\.)*")/g)) out.push(JSON.parse(m[1] ?? '""') as string);
  return out;
}

function kinds(c: Condition, out = new Set<string>()): Set<string> {
  out.add(c.kind);
  if (c.kind === 'and' || c.kind === 'or') for (const sub of c.conditions) kinds(sub, out);
  else if (c.kind === 'not') kinds(c.condition, out);
  return out;
}

describe('arbitraryCondition', () => {
  it('generates every kind of condition (its leaf generators are keyed by kind, so a new kind must be added)', () => {
    const seen = new Set<string>();
    for (const c of fc.sample(arbitraryCondition({ maxDepth: 2 }), { numRuns: 2000, seed: 8 })) kinds(c, seen);
    const all: Record<Condition['kind'], true> = {
      and: true,
      or: true,
      not: true,
      trait: true,
      performed: true,
      first_performed: true,
      lapsed: true,
      metric: true,
      sequence: true,
      seen: true,
      in_segment: true,
      subscription: true,
      consent: true,
      experiment_arm: true,
    };
    expect([...seen].sort()).toEqual(Object.keys(all).sort());
  });

  it('draws event names only from the pool by default', () => {
    fc.assert(
      fc.property(arbitraryCondition(), (c) => {
        for (const name of eventNames(c)) expect(EVENT_NAME_POOL).toContain(name);
      }),
      { numRuns: 200 },
    );
  });

  it('never generates and/or nodes with fewer than two conditions', () => {
    const check = (c: Condition): void => {
      if (c.kind === 'and' || c.kind === 'or') {
        expect(c.conditions.length).toBeGreaterThanOrEqual(2);
        c.conditions.forEach(check);
      } else if (c.kind === 'not') check(c.condition);
    };
    fc.assert(fc.property(arbitraryCondition({ maxDepth: 4 }), (c) => check(c)), { numRuns: 200 });
  });

  it('generates between windows with the older edge first', () => {
    fc.assert(
      fc.property(arbitraryCondition(), (c) => {
        for (const m of JSON.stringify(c).matchAll(/"from":\{"amount":(\d+),"unit":"(\w)"\},"to":\{"amount":(\d+),"unit":"(\w)"\}/g)) {
          expect(m[2]).toBe(m[4]);
          expect(Number(m[1])).toBeGreaterThan(Number(m[3]));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('leaves out excluded leaf kinds', () => {
    fc.assert(
      fc.property(arbitraryCondition({ exclude: ['in_segment', 'metric'] }), (c) => {
        const json = JSON.stringify(c);
        expect(json).not.toContain('"kind":"in_segment"');
        expect(json).not.toContain('"kind":"metric"');
      }),
      { numRuns: 200 },
    );
  });
});
