import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app/testing/index.js';
import { routesOf } from './testing/registered-routes.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** A concrete path for a route pattern: parameters (a valid provider, so validation passes) and wildcards filled in. */
function concrete(pattern: string): string {
  return pattern.replace(/:provider/g, 'sendgrid').replace(/:[A-Za-z]+/g, 'x').replace(/\*$/, 'x');
}

const hex = (c: string): string => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Spellings of `path` that Fastify may route to the same handler while a naive text check would miss them. */
function disguises(path: string): string[] {
  const [, first = '', ...rest] = path.split('/');
  const tail = rest.length > 0 ? `/${rest.join('/')}` : '';
  const encoded = [...first].map(hex).join('');
  return [
    path,
    `/${hex(first[0]!)}${first.slice(1)}${tail}`,
    `/${encoded}${tail}`,
    `/${encoded.toUpperCase()}${tail}`,
    `/${first}${tail.replace(/^\/(.)/, (_, c: string) => `/${hex(c)}`)}`,
    `//${first}${tail}`,
    `/${first}/${tail}`,
    `/${first}${tail}/`,
    `/${first.toUpperCase()}${tail}`,
    `/${first[0]!.toUpperCase()}${first.slice(1)}${tail}`,
    `/${first}${tail.replace(/\//g, '%2F')}`,
    `/./${first}${tail}`,
    `/x/../${first}${tail}`,
  ];
}

/** Routes that answer without a key by design: operations, docs, the web app's pages, and signing in. */
function isPublic(url: string, method = 'GET'): boolean {
  if (url === '/api/session') return method !== 'DELETE';
  return ['/healthz', '/readyz', '/api/openapi.json', '*', '/', '/*'].includes(url) || url.startsWith('/api/docs');
}

describe('admin and write-key authentication on every route', () => {
  it('answers encoded, double-slashed and case-varied paths of every route with 401 or 404, never 500 and never data', async () => {
    const routes = routesOf(t.app.server.printRoutes({ commonPrefix: false })).filter((r) => !isPublic(r.url, r.method));
    // The enumeration itself must work, or the loop below would pass by testing nothing.
    expect(routes.filter((r) => r.url.startsWith('/api/')).length).toBeGreaterThan(15);
    expect(routes).toContainEqual({ method: 'POST', url: '/api/segments' });
    expect(routes).toContainEqual({ method: 'GET', url: '/api/segments/:id/explain/:profile' });
    const failures: string[] = [];
    let tried = 0;
    for (const route of routes) {
      for (const url of disguises(concrete(route.url))) {
        tried++;
        const res = await t.app.server.inject({
          method: route.method as 'GET',
          url,
          headers: { 'content-type': 'application/json' },
          ...(['GET', 'HEAD', 'DELETE'].includes(route.method) ? {} : { payload: '{"name":"n","rule":"traits.a = 1"}' }),
        });
        if (res.statusCode !== 401 && res.statusCode !== 404) failures.push(`${route.method} ${url} → ${res.statusCode} ${res.body.slice(0, 100)}`);
      }
    }
    expect(tried).toBeGreaterThan(300);
    expect(failures).toEqual([]);
  });

  it('authenticates a percent-encoded spelling of an admin route exactly like the plain one', async () => {
    const anonymous = await t.app.server.inject({ method: 'GET', url: '/%61pi/segments' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'AUTH_MISSING_ADMIN_KEY' });
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    const keyed = await t.app.server.inject({ method: 'GET', url: '/%61pi/segments', headers: { authorization: t.adminAuth } });
    expect(keyed.statusCode).toBe(200);
    expect(keyed.json()).toHaveProperty('segments');
  });

  it('refuses a write key on the admin API', async () => {
    const res = await t.app.server.inject({ method: 'GET', url: '/api/segments', headers: { authorization: `Bearer ${t.writeKey}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH_INVALID_ADMIN_KEY' });
  });

  it('answers a keyless ingestion call with 401 and no WWW-Authenticate, so browsers pop no login box', async () => {
    const res = await t.app.server.inject({ method: 'POST', url: '/v1/track', headers: { 'content-type': 'application/json' }, payload: { userId: 'u', event: 'E' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers).not.toHaveProperty('www-authenticate');
  });

  it('declares the admin key on every admin operation of the OpenAPI document', async () => {
    const doc = (await t.app.server.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    const admin = operations.filter((o) => o.path.startsWith('/api/') && !isPublic(o.path, o.method.toUpperCase()));
    expect(admin.length).toBeGreaterThan(15);
    expect(admin.filter((o) => JSON.stringify(o.op.security) !== JSON.stringify([{ adminKey: [] }])).map((o) => `${o.method} ${o.path}`)).toEqual([]);
    const ingestion = operations.filter((o) => o.path.startsWith('/v1/'));
    expect(ingestion.filter((o) => o.op.security === undefined).map((o) => `${o.method} ${o.path}`)).toEqual([]);
  });
});
