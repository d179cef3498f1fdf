import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';

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
