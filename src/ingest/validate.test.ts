import fc, { type Arbitrary } from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateBatch, validateMessage } from './validate.js';

const ok = { userId: 'u1', event: 'Order Completed', properties: { revenue: 10 } };

function problemOf(raw: unknown, ...args: [type?: Parameters<typeof validateMessage>[1], field?: string]) {
  const result = validateMessage(raw, args.length > 0 ? args[0] : 'track', args[1] ?? '');
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

describe('validateMessage', () => {
  it('accepts a well-formed track call and types its fields', () => {
    const result = validateMessage({ ...ok, anonymousId: 42, timestamp: '2026-01-02T03:04:05.000Z' }, 'track');
    expect(result).toMatchObject({
      ok: true,
      message: { type: 'track', name: 'Order Completed', userId: 'u1', anonymousId: '42', timestamp: Date.UTC(2026, 0, 2, 3, 4, 5) },
    });
  });

  it.each([
    ['a non-object root', [1, 2], 'INGEST_NOT_AN_OBJECT', ''],
    ['neither userId nor anonymousId', { event: 'X' }, 'INGEST_MISSING_ID', 'userId'],
    ['blank ids', { userId: '  ', anonymousId: '', event: 'X' }, 'INGEST_MISSING_ID', 'userId'],
    ['a track without event', { userId: 'u' }, 'INGEST_MISSING_EVENT', 'event'],
    ['a wrongly typed userId', { userId: { a: 1 }, event: 'X' }, 'INGEST_INVALID_FIELD', 'userId'],
    ['properties that are not an object', { userId: 'u', event: 'X', properties: 'str' }, 'INGEST_INVALID_FIELD', 'properties'],
    ['an event name that is not a string', { userId: 'u', event: 7 }, 'INGEST_INVALID_FIELD', 'event'],
    ['an invalid date', { userId: 'u', event: 'X', timestamp: 'yesterday' }, 'INGEST_INVALID_TIMESTAMP', 'timestamp'],
    ['an impossible day', { userId: 'u', event: 'X', timestamp: '2024-02-30T00:00:00Z' }, 'INGEST_INVALID_TIMESTAMP', 'timestamp'],
    ['a __proto__ key', JSON.parse('{"userId":"u","event":"X","properties":{"__proto__":{"admin":true}}}'), 'INGEST_FORBIDDEN_KEY', 'properties.__proto__'],
    ['a constructor key in an array', { userId: 'u', event: 'X', properties: { items: [{ constructor: 1 }] } }, 'INGEST_FORBIDDEN_KEY', 'properties.items[0].constructor'],
  ])('rejects %s', (_name, raw, code, field) => {
    expect(problemOf(raw)).toMatchObject({ code, field });
  });

  it('rejects nesting deeper than 32 levels and names where', () => {
    let deep: Record<string, unknown> = {};
    const root = { userId: 'u', event: 'X', properties: deep };
    for (let i = 0; i < 40; i += 1) {
      const next = {};
      deep.a = next;
      deep = next;
    }
    const problem = problemOf(root);
    expect(problem.code).toBe('INGEST_TOO_DEEP');
    expect(problem.field.startsWith('properties.a.a.a')).toBe(true);
  });

  it('rejects a message over 32 KB', () => {
    expect(problemOf({ userId: 'u', event: 'X', properties: { blob: 'x'.repeat(33 * 1024) } }).code).toBe('INGEST_MESSAGE_TOO_LARGE');
  });

  it('prefixes field paths for batch items', () => {
    expect(problemOf({ type: 'track', event: 'X' }, undefined, 'batch[3]')).toMatchObject({ field: 'batch[3].userId' });
  });

  it('rejects an unknown call type in a batch', () => {
    expect(problemOf({ type: 'purchase', userId: 'u' }, undefined, 'batch[0]')).toMatchObject({ code: 'INGEST_INVALID_TYPE', field: 'batch[0].type' });
  });

  it('requires groupId on group and previousId on alias', () => {
    expect(problemOf({ userId: 'u' }, 'group')).toMatchObject({ code: 'INGEST_MISSING_FIELD', field: 'groupId' });
    expect(problemOf({ userId: 'u' }, 'alias')).toMatchObject({ code: 'INGEST_MISSING_FIELD', field: 'previousId' });
  });

  it('accepts identify, page, screen, group and alias with their own fields', () => {
    expect(validateMessage({ anonymousId: 'a', traits: { email: 'x@y.z' } }, 'identify').ok).toBe(true);
    expect(validateMessage({ anonymousId: 'a', name: 'Home' }, 'page')).toMatchObject({ ok: true, message: { name: 'Home' } });
    expect(validateMessage({ anonymousId: 'a', name: 'Home' }, 'screen').ok).toBe(true);
    expect(validateMessage({ userId: 'u', groupId: 'g' }, 'group').ok).toBe(true);
    expect(validateMessage({ userId: 'u', previousId: 'a' }, 'alias').ok).toBe(true);
  });
});

describe('validateBatch', () => {
  it('rejects a batch that is not an array', () => {
    expect(validateBatch({ batch: {} })).toMatchObject({ ok: false, error: { code: 'INGEST_BATCH_INVALID', field: 'batch' } });
  });

  it('rejects more than 2,500 messages', () => {
    expect(validateBatch({ batch: new Array(2501).fill({}) })).toMatchObject({ ok: false, error: { code: 'INGEST_BATCH_TOO_MANY' } });
  });

  it('parses the batch-level sentAt', () => {
    expect(validateBatch({ batch: [], sentAt: '2026-01-01T00:00:00Z' })).toMatchObject({ ok: true, value: { sentAt: Date.UTC(2026, 0, 1) } });
  });

  it('rejects an invalid batch-level sentAt', () => {
    expect(validateBatch({ batch: [], sentAt: 'soon' })).toMatchObject({ ok: false, error: { code: 'INGEST_INVALID_TIMESTAMP', field: 'sentAt' } });
  });
});

describe('validateMessage on arbitrary input', () => {
  it('never throws and accepts only messages with an id and without forbidden keys', () => {
    const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'userId', 'anonymousId', 'event', 'timestamp'));
    const value = fc.letrec((tie) => ({
      json: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.dictionary(key, tie('json'), { maxKeys: 4 }), fc.array(tie('json'), { maxLength: 3 })),
    })).json;
    const mostly = <T, U>(good: Arbitrary<T>, bad: Arbitrary<U>) =>
      fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
    const message = fc.record(
      {
        userId: mostly(fc.string({ minLength: 1 }), fc.oneof(fc.integer(), fc.constant(null), fc.boolean())),
        anonymousId: fc.oneof(fc.string(), fc.constant(undefined)),
        event: mostly(fc.string({ minLength: 1 }), fc.integer()),
        timestamp: mostly(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()), fc.string()),
        properties: mostly(fc.dictionary(key, value, { maxKeys: 4 }), value),
        traits: mostly(fc.dictionary(fc.string(), value, { maxKeys: 3 }), value),
      },
      { requiredKeys: [] },
    );
    const outcomes = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.oneof({ arbitrary: value, weight: 1 }, { arbitrary: message, weight: 4 }), fc.constantFrom(undefined, 'track', 'identify', 'page', 'alias'), (raw, type) => {
        const result = validateMessage(raw, type as Parameters<typeof validateMessage>[1]);
        outcomes[result.ok ? 'accepted' : 'rejected'] += 1;
        if (result.ok) {
          expect(result.message.userId ?? result.message.anonymousId).not.toBeNull();
          expect(JSON.stringify(raw)).not.toMatch(/"(__proto__|constructor|prototype)":/);
        } else {
          expect(result.problem.code).toMatch(/^INGEST_[A-Z_]+$/);
        }
      }),
      { numRuns: 2000 },
    );
    // Both branches were exercised, so the property said something about each.
    expect(outcomes.accepted).toBeGreaterThan(20);
    expect(outcomes.rejected).toBeGreaterThan(20);
  });
});
