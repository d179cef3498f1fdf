/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, waitForEngine, type TestServer } from './segments-test-server.js';

let server: TestServer;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; type: string; text: string; json: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${server.adminKey}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, text, json: type.includes('json') && text !== '' ? JSON.parse(text) : undefined };
}

async function send(path: string, message: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${server.url}/v1/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}` },
    body: JSON.stringify(message),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  server = await startTestServer();
  await send('identify', { userId: 'ann', traits: { email: 'Ann@Example.com', city: 'Paris', plan: 'gold' } });
  await send('identify', { userId: 'bob', traits: { city: 'Lyon' } });
  await send('track', { userId: 'ann', event: 'Order Completed', properties: { revenue: 120, currency: 'EUR' } });
  await send('track', { userId: 'ann', event: 'Product Viewed', properties: { product_id: 'X' } });
  await send('track', { userId: 'bob', event: 'Product Viewed', properties: { product_id: 'Y' } });
  await waitForEngine(server, 'performed("Product Viewed", within 30d)', 2);
  expect((await api('POST', '/api/segments', { name: 'Buyers', rule: 'performed("Order Completed", within 30d)' })).status).toBe(201);
});

afterAll(async () => server?.close());

describe('members as people', () => {
  it('lists members with their userId and email beside the internal id', async () => {
    const res = await api('GET', '/api/segments/Buyers/members');
    expect(res.status).toBe(200);
    expect(res.json.members).toEqual([{ profileId: expect.stringMatching(/^prof_/), userId: 'ann', email: 'ann@example.com', since: expect.any(String) }]);
  });

  it('streams every member as CSV with ?format=csv, and answers an unknown segment with a 404 problem', async () => {
    const res = await api('GET', '/api/segments/Buyers/members?format=csv');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('profileId,userId,email,since');
    expect(lines[1]).toMatch(/^prof_[^,]+,ann,ann@example\.com,\d{4}-\d\d-\d\dT/);
    expect(lines).toHaveLength(2);
    const missing = await api('GET', '/api/segments/Nobody/members?format=csv');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'SEGMENT_NOT_FOUND' });
  });

  it('names the people a dry run would add or remove', async () => {
    const res = await api('POST', '/api/segments/dry-run', { name: 'Buyers', rule: 'performed("Product Viewed", within 30d)' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ size: 2, entered: 1, exited: 0 });
    expect(res.json.sampleEnteredPeople).toEqual([{ profileId: expect.any(String), userId: 'bob', email: null }]);
  });

  it('puts userId and email on every change in /api/changes', async () => {
    const res = await api('GET', '/api/changes?segment=Buyers');
    expect(res.json.changes).toEqual([expect.objectContaining({ kind: 'entered', userId: 'ann', email: 'ann@example.com', segmentName: 'Buyers' })]);
  });
});

describe('people', () => {
  it('finds a person by email, userId prefix or trait, and shows their current segments with since', async () => {
    expect((await api('GET', '/api/profiles?q=ANN@example.com')).json.people).toEqual([
      expect.objectContaining({ userId: 'ann', email: 'ann@example.com', matchedBy: 'email' }),
    ]);
    expect((await api('GET', '/api/profiles?q=city%3DLyon')).json.people.map((p: any) => p.userId)).toEqual(['bob']);
    const ann = await api('GET', '/api/profiles/ann');
    // System segments (__email_eligible) are listed too: whether the person may be emailed is part of who they are.
    expect(ann.json.segments).toEqual(expect.arrayContaining([{ segmentId: expect.any(String), name: 'Buyers', since: expect.any(String) }]));
    expect((await api('GET', '/api/profiles/bob')).json.segments.map((s: any) => s.name)).not.toContain('Buyers');
  });

  it('pages the timeline newest first and filters it by event name', async () => {
    const all = await api('GET', '/api/profiles/ann?limit=2');
    expect(all.json.events.items.map((e: any) => e.name)).toEqual(['Product Viewed', 'Order Completed']);
    expect(all.json.events.nextBefore).toEqual(expect.any(Number));
    const orders = await api('GET', '/api/profiles/ann?event=Order%20Completed');
    expect(orders.json.events.items.map((e: any) => e.name)).toEqual(['Order Completed']);
  });

  it('refuses an empty search with a 400 problem naming the field', async () => {
    const res = await api('GET', '/api/profiles?q=');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('editor support', () => {
  it('checks a rule with the same codes and positions as segflow check', async () => {
    const res = await api('POST', '/api/rules/check', { rule: 'performed("Order Completed", within 3x)' });
    expect(res.status).toBe(200);
    expect(res.json.diagnostics).toEqual([expect.objectContaining({ code: 'RULE1004', severity: 'error', line: 1, column: 37, offset: 36 })]);
    expect((await api('POST', '/api/rules/check', { rule: 'in_segment("Buyers")', name: 'Other' })).json.diagnostics.filter((d: any) => d.severity === 'error')).toEqual([]);
    expect((await api('POST', '/api/rules/check', { rule: 'in_segment("Nobody")' })).json.diagnostics[0]).toMatchObject({ severity: 'error' });
  });

  it('lists event, property and trait names seen in the data', async () => {
    const catalog = await eventually(async () => {
      const res = await api('GET', '/api/catalog');
      expect(res.json.traits.length).toBeGreaterThan(0);
      return res.json;
    });
    expect(catalog.events).toEqual(['Order Completed', 'Product Viewed']);
    expect(catalog.properties['Order Completed']).toEqual([
      { name: 'currency', type: 'string' },
      { name: 'revenue', type: 'number' },
    ]);
    expect(catalog.traits.map((t: any) => t.name)).toEqual(['city', 'email', 'plan']);
  });

  it('keeps every version of a rule for diffs', async () => {
    expect((await api('PUT', '/api/segments/Buyers', { name: 'Buyers', rule: 'performed("Order Completed", within 60d)' })).status).toBe(200);
    const res = await api('GET', '/api/segments/Buyers/versions');
    expect(res.json.versions.map((v: any) => [v.version, v.rule])).toEqual([
      [2, 'performed("Order Completed", within 60d)'],
      [1, 'performed("Order Completed", within 30d)'],
    ]);
  });
});

describe('size history', () => {
  it('shows the size of each segment over time, per hour and per day, and for every segment at once', async () => {
    const hours = await eventually(async () => {
      const res = await api('GET', '/api/segments/Buyers/size-history?resolution=hour');
      expect(res.json.points.at(-1).size).toBe(1);
      return res.json;
    });
    expect(hours.points).toHaveLength(48);
    expect(hours.points.at(-1)).toMatchObject({ size: 1, entered: 1 });
    const days = await api('GET', '/api/segments/Buyers/size-history?resolution=day');
    expect(days.json.points).toHaveLength(30);
    const all = await api('GET', '/api/size-history?resolution=hour');
    const buyers = (await api('GET', '/api/segments/Buyers')).json.segment.id;
    expect(all.json.series[buyers].at(-1)).toBe(1);
    expect(Date.parse(all.json.lastChange[buyers])).toBeGreaterThan(0);
    const bad = await api('GET', '/api/segments/Buyers/size-history?resolution=minute');
    expect(bad.status).toBe(400);
  });
});
