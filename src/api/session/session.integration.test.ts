import Fastify, { type FastifyInstance } from 'fastify';
import { expect, it } from 'vitest';
import { bootstrapKeys, SessionRepoSql } from '../../app/index.js';
import { FakeClock } from '../../core/index.js';
import { KeyAuthenticator } from '../../ingest/index.js';
import { describeEachStore } from '../../store/testing/index.js';
import { installAdminAuth, workspaceOf } from '../admin-auth.js';
import { installErrorHandler } from '../error-handler.js';
import { CSRF_HEADER, SESSION_COOKIE, SessionService, sessionRoutes } from './index.js';

const ADMIN_KEY = 'sfa_session_test_key_0123456789';
const HOUR = 60 * 60 * 1000;

/** A server with admin auth, the session routes and two probe routes, on the given store and clock. */
async function serverOn(store: Parameters<typeof bootstrapKeys>[0], clock: FakeClock): Promise<FastifyInstance> {
  await bootstrapKeys(store, { writeKey: 'sfw_session_test_write_0123', adminKey: ADMIN_KEY }, clock.now());
  const keys = new KeyAuthenticator(store.workspaces, clock);
  const sessions = new SessionService(new SessionRepoSql(store.sql), keys, clock, { ttlMs: 2 * HOUR });
  const app = Fastify();
  installErrorHandler(app);
  installAdminAuth(app, keys, sessions);
  await app.register(sessionRoutes, { sessions });
  app.get('/api/probe', async (request) => ({ workspaceId: workspaceOf(request) }));
  app.post('/api/probe', async (request) => ({ changed: workspaceOf(request) }));
  await app.ready();
  return app;
}

function cookieOf(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0]! : setCookie!;
  return first.split(';')[0]!;
}

describeEachStore('web sessions', (getStore) => {
  it('turns an admin key into an HttpOnly SameSite=Strict cookie that authenticates /api requests', async () => {
    const clock = new FakeClock();
    const app = await serverOn(getStore(), clock);
    const signIn = await app.inject({ method: 'POST', url: '/api/session', payload: { key: ADMIN_KEY } });
    expect(signIn.statusCode).toBe(200);
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Max-Age=7200');
    expect(setCookie).not.toContain('Secure');
    expect(signIn.json()).toMatchObject({ workspaceId: expect.any(String), csrfToken: expect.any(String) });
    const probe = await app.inject({ url: '/api/probe', headers: { cookie: cookieOf(signIn.headers['set-cookie']) } });
    expect(probe.statusCode).toBe(200);
    expect(probe.json()).toEqual({ workspaceId: signIn.json().workspaceId });
    await app.close();
  });

  it('builds the cookie Secure for https and without Secure for plain http', async () => {
    const { sessionCookie } = await import('./index.js');
    expect(sessionCookie('t', 60, true)).toContain('Secure');
    expect(sessionCookie('t', 60, false)).not.toContain('Secure');
  });

  it('refuses a wrong key at sign-in with AUTH_INVALID_ADMIN_KEY and sets no cookie', async () => {
    const app = await serverOn(getStore(), new FakeClock());
    const res = await app.inject({ method: 'POST', url: '/api/session', payload: { key: 'sfa_wrong_key_000000000000000' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH_INVALID_ADMIN_KEY', field: 'key' });
    expect(res.headers['set-cookie']).toBeUndefined();
    await app.close();
  });

  it('expires the session at its instant: valid one millisecond before, refused from then on', async () => {
    const clock = new FakeClock();
    const app = await serverOn(getStore(), clock);
    const signIn = await app.inject({ method: 'POST', url: '/api/session', payload: { key: ADMIN_KEY } });
    const cookie = cookieOf(signIn.headers['set-cookie']);
    clock.advance(2 * HOUR - 1);
    expect((await app.inject({ url: '/api/probe', headers: { cookie } })).statusCode).toBe(200);
    clock.advance(1);
    const expired = await app.inject({ url: '/api/probe', headers: { cookie } });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'AUTH_SESSION_INVALID' });
    await app.close();
  });

  it('refuses a state-changing request by cookie without the CSRF token, with a wrong one, or from another origin', async () => {
    const app = await serverOn(getStore(), new FakeClock());
    const signIn = await app.inject({ method: 'POST', url: '/api/session', payload: { key: ADMIN_KEY }, headers: { host: 'app.test' } });
    const cookie = cookieOf(signIn.headers['set-cookie']);
    const csrf = signIn.json().csrfToken as string;
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/api/probe', headers: { cookie, host: 'app.test', ...headers } });

    const none = await post({});
    expect(none.statusCode).toBe(403);
    expect(none.json()).toMatchObject({ code: 'AUTH_CSRF_REFUSED' });
    expect((await post({ [CSRF_HEADER]: `${csrf}x` })).statusCode).toBe(403);
    expect((await post({ [CSRF_HEADER]: csrf, origin: 'https://evil.example' })).statusCode).toBe(403);
    const ok = await post({ [CSRF_HEADER]: csrf, origin: 'http://app.test' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ changed: signIn.json().workspaceId });
    await app.close();
  });

  it('ends the sessions of an admin key when the key is removed', async () => {
    const store = getStore();
    const app = await serverOn(store, new FakeClock());
    const signIn = await app.inject({ method: 'POST', url: '/api/session', payload: { key: ADMIN_KEY } });
    const cookie = cookieOf(signIn.headers['set-cookie']);
    expect((await app.inject({ url: '/api/probe', headers: { cookie } })).statusCode).toBe(200);
    await store.sql.execute(`DELETE FROM api_keys WHERE kind = 'admin'`);
    const after = await app.inject({ url: '/api/probe', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'AUTH_SESSION_INVALID' });
    await app.close();
  });

  it('still accepts a Bearer admin key without any CSRF token', async () => {
    const app = await serverOn(getStore(), new FakeClock());
    const res = await app.inject({ method: 'POST', url: '/api/probe', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.statusCode).toBe(200);
    await app.close();
  });

  it('signs out: the cookie is cleared and the old session is refused from then on', async () => {
    const app = await serverOn(getStore(), new FakeClock());
    const signIn = await app.inject({ method: 'POST', url: '/api/session', payload: { key: ADMIN_KEY } });
    const cookie = cookieOf(signIn.headers['set-cookie']);
    const csrf = signIn.json().csrfToken as string;
    const me = await app.inject({ url: '/api/session', headers: { cookie } });
    expect(me.json()).toMatchObject({ signedIn: true, csrfToken: csrf });
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, [CSRF_HEADER]: csrf } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    const after = await app.inject({ url: '/api/probe', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'AUTH_SESSION_INVALID' });
    expect((await app.inject({ url: '/api/probe' })).json()).toMatchObject({ code: 'AUTH_MISSING_ADMIN_KEY' });
    const stale = await app.inject({ url: '/api/session', headers: { cookie } });
    expect(stale.statusCode).toBe(200);
    expect(stale.json()).toEqual({ signedIn: false, workspaceId: null, csrfToken: null, expiresAt: null });
    expect(String(stale.headers['set-cookie'])).toContain('Max-Age=0');
    await app.close();
  });
});
