/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape. */
/**
 * The tracking plan end to end: the unmodified `@segment/analytics-node` client sends to segflow over real HTTP,
 * the plan is managed through the admin API, and each mode does what it says — `allow` stores untouched and
 * counts, `flag` stores with `context.violationErrors`, `block` quarantines (the client still gets success),
 * and a replay after the plan is fixed stores what was blocked. On both databases.
 */
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';
import { testStoreKinds } from '../../store/testing/index.js';

let t: TestApp;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${t.app.url}${path}`, {
    method,
    headers: { authorization: t.adminAuth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? null : JSON.parse(text) };
}

async function send(calls: (a: Analytics) => void): Promise<void> {
  const analytics = new Analytics({ writeKey: t.writeKey, host: t.app.url, flushAt: 1, flushInterval: 60_000, maxRetries: 0 });
  const errors: unknown[] = [];
  analytics.on('error', (e) => errors.push(e));
  calls(analytics);
  await analytics.closeAndFlush();
  expect(errors).toEqual([]);
}

interface StoredEvent {
  name: string | null;
  type: string;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
}

async function eventsOf(userId: string): Promise<StoredEvent[]> {
  const res = await api('GET', `/api/profiles/${encodeURIComponent(userId)}?limit=100`);
  if (res.status === 404) return [];
  expect(res.status).toBe(200);
  return res.json.events.items as StoredEvent[];
}

const orderSchema = {
  type: 'object',
  required: ['revenue'],
  properties: { revenue: { type: 'number' }, currency: { type: 'string' } },
  additionalProperties: false,
};

describe.each(testStoreKinds())('tracking plan through the HTTP API with the real Segment client (%s)', (storeKind) => {
  beforeAll(async () => {
    t = await startTestApp({ listen: true, storeKind });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a schema that is not valid JSON Schema with the path of the problem, and changes nothing', async () => {
    const bad = await api('PUT', '/api/tracking-plan/events/Order%20Completed', {
      mode: 'flag',
      schema: { type: 'object', properties: { revenue: { type: 'numbr' } } },
    });
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({ code: 'TRACKING_PLAN_SCHEMA_INVALID', field: 'schema/properties/revenue/type' });
    const regex = await api('PUT', '/api/tracking-plan/events/X', { schema: { type: 'object', properties: { a: { type: 'string', pattern: '(a+)+$' } } } });
    expect(regex.status).toBe(422);
    expect(regex.json.field).toBe('schema/properties/a/pattern');
    const ref = await api('PUT', '/api/tracking-plan/events/X', { schema: { $ref: 'https://example.com/elsewhere.json' } });
    expect(ref.status).toBe(422);
    expect((await api('GET', '/api/tracking-plan')).json).toEqual({ unplanned: 'allow', version: 0, schemas: [] });
  });

  it('refuses malformed requests with a problem naming the field, and changes nothing', async () => {
    const cases: [string, string, unknown, number, string, string | undefined][] = [
      ['PUT', '/api/tracking-plan/events/A', { mode: 'loud', schema: {} }, 400, 'VALIDATION_FAILED', undefined],
      ['PUT', '/api/tracking-plan/events/A', { mode: 'flag' }, 400, 'VALIDATION_FAILED', 'schema'],
      ['PUT', '/api/tracking-plan/events/A', { schema: {}, extra: 1 }, 400, 'VALIDATION_FAILED', undefined],
      ['PUT', '/api/tracking-plan/events/A', { schema: 'not a schema' }, 422, 'TRACKING_PLAN_SCHEMA_INVALID', 'schema'],
      ['PUT', '/api/tracking-plan/identify', { schema: { type: 'object', properties: { a: { type: 'string', pattern: '^a' } } } }, 422, 'TRACKING_PLAN_SCHEMA_INVALID', 'schema/properties/a/pattern'],
      ['PUT', '/api/tracking-plan/unplanned', { mode: 'maybe' }, 400, 'VALIDATION_FAILED', undefined],
      ['GET', '/api/tracking-plan/violations?limit=0', undefined, 400, 'VALIDATION_FAILED', undefined],
      ['GET', '/api/tracking-plan/quarantine?colour=red', undefined, 400, 'UNKNOWN_PARAMETER', undefined],
      ['POST', '/api/tracking-plan/quarantine/replay', { limit: -1 }, 400, 'VALIDATION_FAILED', undefined],
      ['DELETE', '/api/tracking-plan/identify', undefined, 404, 'TRACKING_PLAN_SCHEMA_NOT_FOUND', undefined],
    ];
    for (const [method, path, body, status, code, field] of cases) {
      const res = await api(method, path, body);
      expect({ path, status: res.status, code: res.json?.code }).toEqual({ path, status, code });
      if (field !== undefined) expect(res.json.field).toBe(field);
    }
    const raw = await fetch(`${t.app.url}/api/tracking-plan/events/A`, { method: 'PUT', headers: { authorization: t.adminAuth, 'content-type': 'application/json' }, body: '{"schema": ' });
    expect(raw.status).toBe(400);
    expect((await api('GET', '/api/tracking-plan')).json).toEqual({ unplanned: 'allow', version: 0, schemas: [] });
  });

  it('flag: stores the message with its violations in context.violationErrors and counts them with samples', async () => {
    const put = await api('PUT', '/api/tracking-plan/events/Order%20Completed', { mode: 'flag', schema: orderSchema });
    expect(put.status).toBe(201);
    await send((a) => {
      a.track({ userId: 'flag-user', event: 'Order Completed', messageId: 'flag-1', properties: { revenue: '42', coupon: 'X' } });
      a.track({ userId: 'flag-user', event: 'Order Completed', messageId: 'flag-2', properties: { revenue: 10, currency: 'EUR' } });
    });
    const events = await eventsOf('flag-user');
    expect(events).toHaveLength(2);
    const bad = events.find((e) => e.properties.revenue === '42')!;
    const kinds = (bad.context.violationErrors as { type: string; field: string }[]).map((v) => `${v.type} ${v.field}`).sort();
    expect(kinds).toEqual(['Additional-Properties properties.coupon', 'Datatype-Mismatch properties.revenue']);
    expect(events.find((e) => e.properties.revenue === 10)!.context.violationErrors).toBeUndefined();

    const violations = await api('GET', '/api/tracking-plan/violations?event=Order%20Completed');
    expect(violations.status).toBe(200);
    const mismatch = violations.json.items.find((v: { kind: string }) => v.kind === 'Datatype-Mismatch');
    expect(mismatch).toMatchObject({ messageType: 'track', event: 'Order Completed', field: 'properties.revenue', count: 1 });
    expect(mismatch.samples).toEqual([expect.objectContaining({ messageId: 'flag-1', value: '"42"' })]);
  });

  it('counts every violation but carries at most 20 in the message', async () => {
    const extra = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`extra_${i}`, i]));
    await send((a) => a.track({ userId: 'many-user', event: 'Order Completed', messageId: 'many-1', properties: { revenue: 1, ...extra } }));
    const [event] = await eventsOf('many-user');
    expect(event!.context.violationErrors).toHaveLength(20);
    const counted = (await api('GET', '/api/tracking-plan/violations?event=Order%20Completed&limit=1000')).json.items.filter((v: { field: string }) => v.field.startsWith('properties.extra_'));
    expect(counted).toHaveLength(30);
  });

  it('allow: stores the message untouched and still counts the violation', async () => {
    expect((await api('PUT', '/api/tracking-plan/events/Order%20Completed', { mode: 'allow', schema: orderSchema })).status).toBe(200);
    await send((a) => a.track({ userId: 'allow-user', event: 'Order Completed', messageId: 'allow-1', properties: { currency: 'EUR' } }));
    const [event] = await eventsOf('allow-user');
    expect(event).toMatchObject({ name: 'Order Completed', properties: { currency: 'EUR' } });
    expect(event!.context.violationErrors).toBeUndefined();
    const violations = await api('GET', '/api/tracking-plan/violations?event=Order%20Completed');
    expect(violations.json.items.find((v: { kind: string }) => v.kind === 'Required-Missing')).toMatchObject({ field: 'properties.revenue', count: 1 });
  });

  it('block: quarantines the message (the client still succeeds), and a replay after the fix stores it once', async () => {
    expect((await api('PUT', '/api/tracking-plan/events/Order%20Completed', { mode: 'block', schema: orderSchema })).status).toBe(200);
    await send((a) => {
      a.track({ userId: 'block-user', event: 'Order Completed', messageId: 'block-1', properties: { revenue: '9.99' } });
      a.track({ userId: 'block-user', event: 'Order Completed', messageId: 'block-2', properties: { revenue: 5 } });
    });
    // analytics.js sends the write key in the body; the quarantine must not keep it.
    const single = await fetch(`${t.app.url}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ writeKey: t.writeKey, userId: 'block-user-2', event: 'Order Completed', messageId: 'block-3', properties: {} }),
    });
    expect(single.status).toBe(200);
    expect((await eventsOf('block-user')).map((e) => e.properties.revenue)).toEqual([5]);
    expect(JSON.stringify((await api('GET', '/api/tracking-plan/quarantine')).json)).not.toContain(t.writeKey);
    expect((await api('GET', '/api/tracking-plan/quarantine?after=block-1')).json.items.map((i: { messageId: string }) => i.messageId)).toEqual(['block-3']);
    const quarantine = await api('GET', '/api/tracking-plan/quarantine');
    expect(quarantine.json.total).toBe(2);
    expect(quarantine.json.items[0]).toMatchObject({
      messageId: 'block-1',
      event: 'Order Completed',
      message: { event: 'Order Completed', properties: { revenue: '9.99' } },
      violations: [expect.objectContaining({ type: 'Datatype-Mismatch', field: 'properties.revenue' })],
    });

    // Replaying under the unchanged plan keeps them quarantined.
    expect((await api('POST', '/api/tracking-plan/quarantine/replay', {})).json).toEqual({ replayed: 0, stillBlocked: 2, failed: [] });
    expect((await api('GET', '/api/tracking-plan/quarantine')).json.total).toBe(2);

    // The plan is fixed (revenue may be sent as a string); the replay stores the message, once.
    const fixed = { ...orderSchema, properties: { ...orderSchema.properties, revenue: { type: ['number', 'string'] } } };
    expect((await api('PUT', '/api/tracking-plan/events/Order%20Completed', { mode: 'block', schema: fixed })).status).toBe(200);
    // block-3 still lacks the required revenue: it stays.
    expect((await api('POST', '/api/tracking-plan/quarantine/replay', {})).json).toEqual({ replayed: 1, stillBlocked: 1, failed: [] });
    expect((await eventsOf('block-user')).map((e) => e.properties.revenue).sort()).toEqual([5, '9.99']);
    expect((await api('GET', '/api/tracking-plan/quarantine')).json).toMatchObject({ total: 1, items: [{ messageId: 'block-3' }] });
    expect((await api('POST', '/api/tracking-plan/quarantine/replay', {})).json).toEqual({ replayed: 0, stillBlocked: 1, failed: [] });
    expect(await eventsOf('block-user-2')).toEqual([]);
  });

  it('unplanned events follow the plan\'s unplanned mode; identify traits are checked against the identify schema', async () => {
    expect((await api('PUT', '/api/tracking-plan/unplanned', { mode: 'flag' })).status).toBe(200);
    expect((await api('PUT', '/api/tracking-plan/identify', { mode: 'flag', schema: { type: 'object', properties: { age: { type: 'integer' } } } })).status).toBe(201);
    await send((a) => {
      a.track({ userId: 'plan-user', event: 'Banner Clicked', messageId: 'unplanned-1' });
      a.identify({ userId: 'plan-user', messageId: 'identify-1', traits: JSON.parse('{"age":"thirty"}') as Record<string, unknown> });
      a.page({ userId: 'plan-user', name: 'Home', messageId: 'page-1' });
    });
    const events = await eventsOf('plan-user');
    const byType = (type: string) => events.find((e) => e.type === type)!;
    expect(byType('track').context.violationErrors).toEqual([expect.objectContaining({ type: 'Unplanned-Event' })]);
    expect(byType('identify').context.violationErrors).toEqual([expect.objectContaining({ type: 'Datatype-Mismatch', field: 'traits.age' })]);
    expect(byType('page').context.violationErrors).toBeUndefined();
    const plan = (await api('GET', '/api/tracking-plan')).json;
    expect(plan).toMatchObject({ unplanned: 'flag', schemas: [{ kind: 'identify' }, { kind: 'track', event: 'Order Completed', mode: 'block' }] });
    expect((await api('DELETE', '/api/tracking-plan/events/Nope')).json).toMatchObject({ code: 'TRACKING_PLAN_SCHEMA_NOT_FOUND' });
    expect((await api('DELETE', '/api/tracking-plan/identify')).status).toBe(204);
  });
});
