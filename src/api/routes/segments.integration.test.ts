/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer, waitForEngine } from './segments-test-server.js';

let server: TestServer;

async function api(method: string, path: string, body?: unknown, key: string | null = server.adminKey): Promise<{ status: number; type: string; json: any }> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text === '' ? undefined : JSON.parse(text) };
}

async function track(userId: string, event: string, properties: Record<string, unknown> = {}, timestamp = new Date()): Promise<void> {
  const res = await fetch(`${server.url}/v1/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${server.writeKey}:`).toString('base64')}` },
    body: JSON.stringify({ userId, event, properties, timestamp: timestamp.toISOString() }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  server = await startTestServer();
  const now = Date.now();
  // Three people: two bought (one big), one only browsed.
  await track('alice', 'Order Completed', { revenue: 1500 }, new Date(now - 10 * 86_400_000));
  await track('bob', 'Order Completed', { revenue: 40 }, new Date(now - 5 * 86_400_000));
  await track('carol', 'Product Viewed', { product_id: 'X' }, new Date(now - 86_400_000));
  await waitForEngine(server, 'performed("Order Completed", within 30d) or performed("Product Viewed", within 30d)', 3);
});

afterAll(async () => {
  await server?.close();
});

describe('POST /api/segments', () => {
  it('creates a segment from rule text, backfills it and answers 201 with its canonical rule and size', async () => {
    const res = await api('POST', '/api/segments', {
      name: 'Buyers',
      rule: 'performed("Order Completed",   within 30d)',
      description: 'Bought this month',
    });
    expect(res.status).toBe(201);
    expect(res.json.segment).toMatchObject({
      name: 'Buyers',
      description: 'Bought this month',
      version: 1,
      rule: 'performed("Order Completed", within 30d)',
      group: null,
      priority: 0,
      size: 2,
    });
    expect(res.json.segment.ruleJson).toMatchObject({ version: 1, condition: { kind: 'performed' } });
    expect(Array.isArray(res.json.warnings)).toBe(true);
  });

  it('shows the backfill\'s progress, in stored events, on the segment; with ?wait=false it answers before the backfill is done', async () => {
    const waited = await api('POST', '/api/segments', { name: 'Browsers', rule: 'performed("Product Viewed", within 30d)' });
    expect(waited.json.segment.backfill).toMatchObject({ state: 'done', version: 1, done: 3, total: 3 });
    const early = await api('POST', '/api/segments?wait=false', { name: 'Big buyers', rule: 'sum("Order Completed".revenue, within 30d) >= 1000' });
    expect(early.status).toBe(201);
    expect(['running', 'done']).toContain(early.json.segment.backfill.state);
    // A change made with the default wait answers once every backfill of the workspace is done, this one included.
    await api('PUT', '/api/segments/Browsers', { name: 'Browsers', rule: 'performed("Product Viewed", within 29d)' });
    const read = await api('GET', '/api/segments/Big%20buyers');
    expect(read.json.segment).toMatchObject({ size: 1, backfill: { state: 'done', done: 3, total: 3 } });
    expect((await api('DELETE', '/api/segments/Browsers?wait=false')).status).toBe(200);
    expect((await api('DELETE', '/api/segments/Big%20buyers')).status).toBe(200);
  });

  it('returns the linter warnings segflow check prints, with their positions in the rule text', async () => {
    const res = await api('POST', '/api/segments', { name: 'Ever bought', rule: 'performed("Order Completed")' });
    expect(res.status).toBe(201);
    expect(res.json.warnings).toContainEqual(expect.objectContaining({ code: 'RULE3001', severity: 'warning', line: 1, column: 1 }));
    const edited = await api('PUT', '/api/segments/Ever%20bought', { name: 'Ever bought', rule: 'rate("Email Opened" / "Email Delivered", within 30d) < 10%' });
    expect(edited.status).toBe(200);
    expect(edited.json.warnings.map((w: { code: string }) => w.code)).toContain('RULE3004');
    const dry = await api('POST', '/api/segments/dry-run', { name: 'Ever bought', rule: 'performed("Order Completed")' });
    expect(dry.json.warnings.map((w: { code: string }) => w.code)).toContain('RULE3001');
    expect((await api('DELETE', '/api/segments/Ever%20bought')).status).toBe(200);
  });

  it('warns when a segment ties on priority with another of its exclusive group', async () => {
    const first = await api('POST', '/api/segments', { name: 'Tier A', rule: 'traits.plan = "a"', group: 'tiers', priority: 1 });
    expect(first.json.warnings.map((w: { code: string }) => w.code)).not.toContain('RULE3007');
    const second = await api('POST', '/api/segments', { name: 'Tier B', rule: 'traits.plan = "b"', group: 'tiers', priority: 1 });
    expect(second.status).toBe(201);
    const tie = second.json.warnings.find((w: { code: string }) => w.code === 'RULE3007');
    expect(tie?.message).toContain('"Tier A", "Tier B"');
    const fixed = await api('PUT', '/api/segments/Tier%20B', { name: 'Tier B', rule: 'traits.plan = "b"', group: 'tiers', priority: 2 });
    expect(fixed.json.warnings.map((w: { code: string }) => w.code)).not.toContain('RULE3007');
    for (const name of ['Tier%20A', 'Tier%20B']) expect((await api('DELETE', `/api/segments/${name}`)).status).toBe(200);
  });

  it('accepts the canonical JSON form of a rule', async () => {
    const buyers = await api('GET', '/api/segments/Buyers');
    const res = await api('POST', '/api/segments', { name: 'Buyers (json)', rule: buyers.json.segment.ruleJson, group: 'g', priority: 3 });
    expect(res.status).toBe(201);
    expect(res.json.segment).toMatchObject({ rule: 'performed("Order Completed", within 30d)', group: 'g', priority: 3, size: 2 });
  });

  it('refuses an invalid rule with 422 RULE_INVALID and every diagnostic with its line and column', async () => {
    const res = await api('POST', '/api/segments', { name: 'Broken', rule: 'performed("Order Completed", within 3x)\n  and traits.age >=' });
    expect(res.status).toBe(422);
    expect(res.type).toContain('application/problem+json');
    expect(res.json.code).toBe('RULE_INVALID');
    expect(res.json.errors.length).toBeGreaterThanOrEqual(1);
    for (const e of res.json.errors) {
      expect(e).toMatchObject({ code: expect.stringMatching(/^RULE\d{4}$/), severity: 'error', message: expect.any(String) });
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.column).toBeGreaterThanOrEqual(1);
    }
    expect((await api('GET', '/api/segments/Broken')).status).toBe(404);
  });

  it('refuses a name that is taken with 409', async () => {
    const res = await api('POST', '/api/segments', { name: 'Buyers', rule: 'subscribed' });
    expect(res.status).toBe(409);
    expect(res.json.code).toBe('SEGMENT_NAME_TAKEN');
  });

  it('refuses a body without a name with 400', async () => {
    const res = await api('POST', '/api/segments', { rule: 'subscribed' });
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
  });

  it('refuses a request without the admin key', async () => {
    const res = await api('POST', '/api/segments', { name: 'Nope', rule: 'subscribed' }, null);
    expect(res.status).toBe(401);
    expect((await api('GET', '/api/segments', undefined, server.writeKey)).status).toBeGreaterThanOrEqual(401);
  });
});

describe('reading segments', () => {
  it('lists segments with their sizes', async () => {
    const res = await api('GET', '/api/segments');
    expect(res.status).toBe(200);
    const buyers = res.json.segments.find((s: { name: string }) => s.name === 'Buyers');
    expect(buyers).toMatchObject({ size: 2, version: 1 });
  });

  it('reads one segment by id and by name', async () => {
    const byName = await api('GET', '/api/segments/Buyers');
    expect(byName.status).toBe(200);
    const byId = await api('GET', `/api/segments/${byName.json.segment.id}`);
    expect(byId.json.segment).toEqual(byName.json.segment);
  });

  it('answers 404 SEGMENT_NOT_FOUND for an unknown segment', async () => {
    const res = await api('GET', '/api/segments/No%20such%20segment');
    expect(res.status).toBe(404);
    expect(res.json.code).toBe('SEGMENT_NOT_FOUND');
  });
});

describe('POST /api/segments/dry-run', () => {
  it('returns the size and the diff against the current version without saving', async () => {
    const res = await api('POST', '/api/segments/dry-run', { name: 'Buyers', rule: 'sum("Order Completed".revenue, within 30d) >= 1000' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ size: 1, entered: 0, exited: 1, rule: 'sum("Order Completed".revenue, within 30d) >= 1000' });
    expect(res.json.sampleExited).toHaveLength(1);
    expect((await api('GET', '/api/segments/Buyers')).json.segment).toMatchObject({ version: 1, size: 2 });
  });

  it('counts everyone who matches as entering for a new name', async () => {
    const res = await api('POST', '/api/segments/dry-run', { name: 'Viewers', rule: 'performed("Product Viewed", within 7d)' });
    expect(res.json).toMatchObject({ size: 1, entered: 1, exited: 0 });
  });

  it('reports an invalid rule as 422 like create does', async () => {
    const res = await api('POST', '/api/segments/dry-run', { name: 'X', rule: 'performed(' });
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('RULE_INVALID');
  });
});

describe('PUT /api/segments/{id}', () => {
  it('saves a new version and re-evaluates the members', async () => {
    const res = await api('PUT', '/api/segments/Buyers%20(json)', {
      name: 'Buyers (json)',
      rule: 'sum("Order Completed".revenue, within 30d) >= 1000',
      group: 'g',
      priority: 3,
    });
    expect(res.status).toBe(200);
    expect(res.json.segment).toMatchObject({ version: 2, size: 1, rule: 'sum("Order Completed".revenue, within 30d) >= 1000' });
  });

  it('answers 404 for an unknown segment and 422 for an invalid rule', async () => {
    expect((await api('PUT', '/api/segments/nope', { name: 'nope', rule: 'subscribed' })).json.code).toBe('SEGMENT_NOT_FOUND');
    expect((await api('PUT', '/api/segments/Buyers', { name: 'Buyers', rule: 'count(' })).status).toBe(422);
  });
});

describe('members and explain', () => {
  it('pages through the members with a cursor', async () => {
    const first = await api('GET', '/api/segments/Buyers/members?limit=1');
    expect(first.status).toBe(200);
    expect(first.json.total).toBe(2);
    expect(first.json.members).toHaveLength(1);
    expect(first.json.next).not.toBeNull();
    const second = await api('GET', `/api/segments/Buyers/members?limit=1&after=${encodeURIComponent(first.json.next)}`);
    expect(second.json.members).toHaveLength(1);
    expect(second.json.members[0].profileId).not.toBe(first.json.members[0].profileId);
    const last = await api('GET', `/api/segments/Buyers/members?limit=1&after=${encodeURIComponent(second.json.next ?? '')}`);
    expect(second.json.next === null || last.json.members.length === 0).toBe(true);
  });

  it('explains why a person is in, with the evidence of each condition', async () => {
    const res = await api('GET', '/api/segments/Buyers/explain/alice');
    expect(res.status).toBe(200);
    expect(res.json.member).toBe(true);
    expect(res.json.explanation).toMatchObject({ kind: 'performed', value: true });
    expect(res.json.explanation.evidence.matched.total).toBe(1);
  });

  it('explains why a person is out', async () => {
    const res = await api('GET', '/api/segments/Buyers/explain/carol');
    expect(res.json).toMatchObject({ member: false, explanation: { value: false } });
  });

  it('answers 404 PROFILE_NOT_FOUND for an unknown person and SEGMENT_NOT_FOUND for an unknown segment', async () => {
    expect((await api('GET', '/api/segments/Buyers/explain/nobody-at-all')).json.code).toBe('PROFILE_NOT_FOUND');
    expect((await api('GET', '/api/segments/nope/explain/alice')).json.code).toBe('SEGMENT_NOT_FOUND');
  });
});

describe('DELETE /api/segments/{id}', () => {
  it('deletes a segment, after which it is not found and its members have exited', async () => {
    const del = await api('DELETE', '/api/segments/Buyers%20(json)');
    expect(del.status).toBe(200);
    expect(del.json.segment.name).toBe('Buyers (json)');
    expect((await api('GET', '/api/segments/Buyers%20(json)')).status).toBe(404);
    const changes = await api('GET', `/api/changes?after=0&limit=1000&segment=${del.json.segment.id}`);
    expect(changes.status).toBe(404);
    const all = await api('GET', '/api/changes?after=0&limit=1000');
    const exits = all.json.changes.filter((c: { segmentId: string; kind: string }) => c.segmentId === del.json.segment.id && c.kind === 'exited');
    expect(exits.at(-1)?.cause).toMatchObject({ kind: 'segment_deleted' });
    // The segment is gone, but its changes still say which segment they were about.
    expect(exits.every((c: { segmentName?: string }) => c.segmentName === 'Buyers (json)')).toBe(true);
  });

  it('refuses to delete a segment another reads through in_segment, naming it, unless asked to cascade', async () => {
    expect((await api('POST', '/api/segments', { name: 'Base', rule: 'performed("Order Completed", within 30d)' })).status).toBe(201);
    expect((await api('POST', '/api/segments', { name: 'Reads base', rule: 'in_segment("Base")' })).status).toBe(201);
    const refused = await api('DELETE', '/api/segments/Base');
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'SEGMENT_HAS_DEPENDENTS', dependents: ['Reads base'] });
    expect(refused.json.detail).toContain('"Reads base"');
    expect((await api('GET', '/api/segments/Base')).json.segment.size).toBe(2);
    const cascaded = await api('DELETE', '/api/segments/Base?cascade=true');
    expect(cascaded.status).toBe(200);
    expect((await api('GET', '/api/segments/Reads%20base')).json.segment.size).toBe(0);
    expect((await api('DELETE', '/api/segments/Reads%20base')).status).toBe(200);
  });

  it('deletes when the client sends Content-Type: application/json with an empty body', async () => {
    expect((await api('POST', '/api/segments', { name: 'Short lived', rule: 'traits.plan = "pro"' })).status).toBe(201);
    const res = await fetch(`${server.url}/api/segments/Short%20lived`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { segment: { name: string } }).segment.name).toBe('Short lived');
  });

  it('answers 404 for a segment that does not exist', async () => {
    expect((await api('DELETE', '/api/segments/Buyers%20(json)')).status).toBe(404);
  });
});

describe('the OpenAPI document', () => {
  it('describes every segments endpoint with its schemas', async () => {
    const res = await fetch(`${server.url}/api/openapi.json`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    const doc = (await res.json()) as { paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>> };
    const paths = Object.keys(doc.paths);
    for (const p of ['/api/segments', '/api/segments/dry-run', '/api/segments/{id}', '/api/segments/{id}/members', '/api/segments/{id}/explain/{profile}', '/api/changes', '/api/changes/stream']) {
      expect(paths).toContain(p);
    }
    expect(doc.paths['/api/segments']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/api/segments/dry-run']?.post?.responses?.['200']).toBeDefined();
    expect(Object.keys(doc.paths['/api/segments']?.post?.responses ?? {}).sort()).toEqual(['201', '400', '409', '422']);
    expect(doc.paths['/api/segments/{id}']?.get?.responses?.['404']).toBeDefined();
  });
});

describe('system segments', () => {
  it('hides __email_eligible from the list unless asked, and refuses to change or delete it', async () => {
    const listed = await api('GET', '/api/segments');
    expect(listed.json.segments.map((s: { name: string }) => s.name)).not.toContain('__email_eligible');
    const all = await api('GET', '/api/segments?system=true');
    expect(all.json.segments.map((s: { name: string }) => s.name)).toContain('__email_eligible');

    const put = await api('PUT', '/api/segments/__email_eligible', { name: 'Eligible', rule: 'subscribed' });
    expect(put.status).toBe(409);
    expect(put.json.code).toBe('SEGMENT_SYSTEM');
    const del = await api('DELETE', '/api/segments/__email_eligible');
    expect(del.status).toBe(409);
    expect(del.json.code).toBe('SEGMENT_SYSTEM');
    expect((await api('GET', '/api/segments/__email_eligible')).json.segment.rule).toBe('email_eligible');
  });

  it('refuses a user segment whose name starts with the reserved prefix', async () => {
    const res = await api('POST', '/api/segments', { name: '__mine', rule: 'subscribed' });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ code: 'SEGMENT_NAME_RESERVED', field: 'name' });
    expect((await api('GET', '/api/segments/__mine')).status).toBe(404);
  });
});

describe('profile references and query parameters', () => {
  it('accepts Segment-style references wherever a profile is named', async () => {
    const profile = await api('GET', '/api/profiles/user_id:alice');
    expect(profile.status).toBe(200);
    const id = profile.json.id as string;
    expect((await api('GET', '/api/profiles/alice')).json.id).toBe(id);
    expect((await api('GET', `/api/profiles/profile_id:${id}`)).json.id).toBe(id);
    const explained = await api('GET', '/api/segments/Buyers/explain/user_id:alice');
    expect(explained.status).toBe(200);
    expect(explained.json).toMatchObject({ profileId: id, member: true });
    expect((await api('GET', '/api/segments/Buyers/explain/anonymous_id:alice')).json.code).toBe('PROFILE_NOT_FOUND');
  });

  it('filters the change log by person with ?profile=', async () => {
    const alice = (await api('GET', '/api/profiles/user_id:alice')).json.id as string;
    const all = await api('GET', '/api/changes?after=0&limit=1000');
    expect(new Set(all.json.changes.map((c: { profileId: string }) => c.profileId)).size).toBeGreaterThan(1);
    const mine = await api('GET', '/api/changes?after=0&limit=1000&profile=user_id:alice');
    expect(mine.status).toBe(200);
    expect(mine.json.changes.length).toBeGreaterThan(0);
    expect(mine.json.changes.every((c: { profileId: string }) => c.profileId === alice)).toBe(true);
    expect(mine.json.changes.length).toBe(all.json.changes.filter((c: { profileId: string }) => c.profileId === alice).length);
    const nobody = await api('GET', '/api/changes?profile=user_id:nobody');
    expect(nobody.status).toBe(404);
    expect(nobody.json).toMatchObject({ code: 'PROFILE_NOT_FOUND', field: 'profile' });
  });

  it('refuses a query parameter the endpoint does not take, naming it', async () => {
    const res = await api('GET', '/api/changes?after=0&segmnet=Buyers');
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 'UNKNOWN_PARAMETER', field: 'querystring.segmnet' });
    expect(res.json.detail).toContain('segment');
    expect((await api('GET', '/api/segments/Buyers?verbose=1')).json).toMatchObject({ code: 'UNKNOWN_PARAMETER', field: 'querystring.verbose' });
  });
});
