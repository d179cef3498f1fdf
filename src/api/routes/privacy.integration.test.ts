import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';
import type { ExportRow, ProfileExport } from '../../privacy/index.js';

describe('privacy API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const send = async (messages: unknown[]): Promise<void> => {
    const res = await t.app.server.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: t.writeAuth }, payload: { batch: messages } });
    expect(res.statusCode).toBe(200);
  };
  const admin = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    t.app.server.inject({ method, url, headers: { authorization: t.adminAuth }, ...(payload === undefined ? {} : { payload }) });

  it('erases a person named by email, reports the erasure, and then knows nobody by that name', async () => {
    await send([{ type: 'identify', userId: 'u-1', traits: { email: 'ada@example.org' } }]);
    const erased = await admin('DELETE', '/api/profiles/email:ada@example.org');
    expect(erased.statusCode).toBe(202);
    const { erasure } = erased.json<{ erasure: { id: string; status: string; kind: string; profiles: number } }>();
    expect(erasure).toMatchObject({ status: 'completed', kind: 'SUPPRESS_WITH_DELETE', profiles: 1 });
    expect(erased.body).not.toContain('ada@example.org');
    const progress = await admin('GET', `/api/erasures/${erasure.id}`);
    expect(progress.statusCode).toBe(200);
    expect(progress.json()).toMatchObject({ erasure: { id: erasure.id, status: 'completed', identifiers: 2 } });
    expect((await admin('GET', '/api/profiles/user_id:u-1')).statusCode).toBe(404);
    expect((await admin('GET', '/api/erasures')).json<{ erasures: unknown[] }>().erasures).toHaveLength(1);
  });

  it('answers 404 PROFILE_NOT_FOUND for the erasure of an unknown person, and records nothing', async () => {
    const res = await admin('DELETE', '/api/profiles/user_id:nobody');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'PROFILE_NOT_FOUND', field: 'id' });
    expect((await admin('GET', '/api/erasures')).json()).toEqual({ erasures: [] });
  });

  it('runs a bulk request, listing the references nobody is known by', async () => {
    await send([
      { type: 'identify', userId: 'u-1', traits: { email: 'a@example.org' } },
      { type: 'identify', userId: 'u-2', traits: { email: 'b@example.org' } },
    ]);
    const res = await admin('POST', '/api/erasures', { kind: 'DELETE', refs: ['u-1', 'email:b@example.org', 'user_id:ghost'] });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ erasure: { kind: 'DELETE', profiles: 2, status: 'completed' }, notFound: ['user_id:ghost'] });
    // DELETE does not suppress: the same person sending again is a new profile.
    await send([{ type: 'identify', userId: 'u-1' }]);
    expect((await admin('GET', '/api/profiles/user_id:u-1')).statusCode).toBe(200);
  });

  it('suppresses an identifier ahead of time and releases it with UNSUPPRESS', async () => {
    const suppressed = await admin('POST', '/api/erasures', { kind: 'SUPPRESS', refs: ['user_id:future'] });
    expect(suppressed.statusCode).toBe(202);
    await send([{ type: 'track', userId: 'future', event: 'Signed Up' }]);
    expect((await admin('GET', '/api/profiles/user_id:future')).statusCode).toBe(404);
    const { erasure } = suppressed.json<{ erasure: { id: string } }>();
    expect((await admin('GET', `/api/erasures/${erasure.id}`)).json()).toMatchObject({ erasure: { dropped: 1 } });
    expect((await admin('POST', '/api/erasures', { kind: 'UNSUPPRESS', refs: ['user_id:future'] })).statusCode).toBe(202);
    await send([{ type: 'track', userId: 'future', event: 'Signed Up' }]);
    expect((await admin('GET', '/api/profiles/user_id:future')).statusCode).toBe(200);
  });

  it.each([
    [{ kind: 'FORGET', refs: ['u-1'] }, 400],
    [{ kind: 'DELETE', refs: [] }, 400],
    [{ kind: 'DELETE' }, 400],
    [{ kind: 'DELETE', refs: ['u-1'], extra: 1 }, 400],
    [{ kind: 'DELETE', refs: ['user_id:ghost'] }, 404],
    [{ kind: 'SUPPRESS', refs: ['profile_id:prof_x'] }, 422],
  ])('refuses %j with %i and changes nothing', async (payload, status) => {
    const res = await admin('POST', '/api/erasures', payload);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await admin('GET', '/api/erasures')).json()).toEqual({ erasures: [] });
  });

  it('answers 404 ERASURE_NOT_FOUND for an unknown erasure id', async () => {
    const res = await admin('GET', '/api/erasures/era_nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ERASURE_NOT_FOUND', field: 'id' });
  });
});

describe('data-subject access export', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('exports identities, traits, consent history, events, memberships with their explanation and history', async () => {
    const admin = { authorization: t.adminAuth };
    const seg = await t.app.server.inject({ method: 'POST', url: '/api/segments', headers: admin, payload: { name: 'Openers', rule: 'performed("Email Opened", within 7d)' } });
    expect(seg.statusCode).toBe(201);
    const batch = [
      { type: 'identify', userId: 'u-9', traits: { email: 'nine@example.org', plan: 'pro' }, context: { consent: { categoryPreferences: { marketing: true, analytics: false } } } },
      { type: 'track', userId: 'u-9', event: 'Email Opened', properties: { subject: 'Hello' } },
    ];
    expect((await t.app.server.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: t.writeAuth }, payload: { batch } })).statusCode).toBe(200);
    await t.app.server.inject({ method: 'GET', url: '/api/segments/Openers', headers: admin });
    // The engine runs in the background: wait for the membership the export must show.
    for (let i = 0; i < 200; i++) {
      const members = await t.app.server.inject({ method: 'GET', url: '/api/segments/Openers/members', headers: admin });
      if (members.json<{ total: number }>().total === 1) break;
      await new Promise((r) => setImmediate(r));
    }
    const res = await t.app.server.inject({ method: 'GET', url: '/api/profiles/email:nine@example.org/export', headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="prof_.+-export\.json"$/);
    const doc = res.json<ProfileExport>();
    expect(doc.identities.map((i) => `${String(i['kind'])}:${String(i['value'])}`).sort()).toEqual(['email:nine@example.org', 'user_id:u-9']);
    expect(doc.traits).toMatchObject({ plan: 'pro' });
    expect(doc.consent.current).toEqual({ marketing: true, analytics: false });
    expect(doc.consent.history).toHaveLength(1);
    expect(doc.events.map((e) => e['type'])).toEqual(['identify', 'track']);
    const openers = (rows: readonly ExportRow[]) => rows.filter((r) => r['name'] === 'Openers');
    expect(openers(doc.memberships.current)).toEqual([expect.objectContaining({ explanation: expect.objectContaining({ member: true }) })]);
    expect(openers(doc.memberships.history)).toEqual([expect.objectContaining({ kind: 'entered' })]);
    expect((await t.app.server.inject({ method: 'GET', url: '/api/profiles/email:none@example.org/export', headers: admin })).statusCode).toBe(404);
  });
});

describe('event retention API', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('sets the retention and warns about the segments whose rules read further back', async () => {
    const headers = { authorization: t.adminAuth };
    await t.app.server.inject({ method: 'POST', url: '/api/segments', headers, payload: { name: 'Big spenders', rule: 'sum("Order Completed".revenue, within 365d) >= 1000' } });
    await t.app.server.inject({ method: 'POST', url: '/api/segments', headers, payload: { name: 'Openers', rule: 'performed("Email Opened", within 7d)' } });
    expect((await t.app.server.inject({ method: 'GET', url: '/api/privacy/retention', headers })).json()).toEqual({ retention: { eventsDays: null }, warnings: [] });
    const set = await t.app.server.inject({ method: 'PUT', url: '/api/privacy/retention', headers, payload: { eventsDays: 90 } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({
      retention: { eventsDays: 90 },
      warnings: [{ segment: 'Big spenders', findings: ['a window of 365d reaches past the 90-day event retention'] }],
    });
    const removed = await t.app.server.inject({ method: 'DELETE', url: '/api/privacy/retention', headers });
    expect(removed.json()).toEqual({ retention: { eventsDays: null }, warnings: [] });
  });

  it.each([{ eventsDays: 0 }, { eventsDays: 1.5 }, { eventsDays: null }, { eventsDays: 40_000 }, {}, { eventsDays: 30, extra: true }])('refuses %j with 400 and keeps the setting', async (payload) => {
    const headers = { authorization: t.adminAuth };
    const res = await t.app.server.inject({ method: 'PUT', url: '/api/privacy/retention', headers, payload });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await t.app.server.inject({ method: 'GET', url: '/api/privacy/retention', headers })).json()).toMatchObject({ retention: { eventsDays: null } });
  });
});
