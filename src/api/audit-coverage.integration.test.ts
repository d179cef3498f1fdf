import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app/testing/index.js';
import { AuditLogSql } from '../monitor/index.js';
import { isAuditedRoute } from './audit-hook.js';
import { isSignInRequest } from './session/index.js';
import { testStoreKinds } from '../store/testing/index.js';
import { routesOf } from './testing/registered-routes.js';

let t: TestApp;

interface Row {
  seq: number;
  actor: string;
  method: string;
  route: string;
  params: Record<string, string>;
  status: number;
  bodyDigest: string | null;
  detail: unknown;
}

const admin = (method: string, url: string, payload?: unknown, auth = t.adminAuth) =>
  t.app.server.inject({
    method: method as 'POST',
    url,
    headers: { authorization: auth, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });

async function rowsAfter(after: number): Promise<Row[]> {
  const res = await admin('GET', `/api/audit?after=${after}&limit=1000`);
  expect(res.statusCode).toBe(200);
  return res.json<{ entries: Row[] }>().entries;
}

async function lastSeq(): Promise<number> {
  let after = 0;
  for (;;) {
    const rows = await rowsAfter(after);
    if (rows.length === 0) return after;
    after = rows.at(-1)!.seq;
  }
}

/** A parameter in a printed route; two routes with differently named parameters at one position print as `:id|:ref`. */
const PARAMS = /(:[A-Za-z]+\|?)+/g;
const shape = (pattern: string): string => pattern.replace(PARAMS, ':p');

describe.each(testStoreKinds())('the audit log on %s', (storeKind) => {
  beforeAll(async () => {
    t = await startTestApp({ storeKind });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records exactly one row for every POST, PUT, PATCH and DELETE of every registered admin route', async () => {
    const routes = routesOf(t.app.server.printRoutes({ commonPrefix: false })).filter(
      (r) => isAuditedRoute(r.method, r.url) && !isSignInRequest(r.method, r.url),
    );
    // The enumeration must find the routes, or the loop below would pass by checking nothing.
    expect(routes.length).toBeGreaterThan(25);
    expect(routes).toContainEqual({ method: 'PUT', url: '/api/segments/:id' });
    expect(routes).toContainEqual({ method: 'DELETE', url: '/api/keys/:id' });
    const missing: string[] = [];
    for (const route of routes) {
      const before = await lastSeq();
      const url = route.url.replace(/:provider/g, 'mailgun').replace(PARAMS, 'audit-probe').replace(/\*$/, 'x');
      const res = await admin(route.method, url, route.method === 'DELETE' ? undefined : { probe: true });
      const rows = await rowsAfter(before);
      const mine = rows.filter((r) => r.method === route.method && shape(r.route) === shape(route.url) && r.status === res.statusCode);
      if (rows.length !== 1 || mine.length !== 1) missing.push(`${route.method} ${route.url} → ${res.statusCode}: ${rows.length} rows`);
    }
    expect(missing).toEqual([]);
  });

  it('says who changed what: the key, the rule before and after, digests instead of bodies and personal references', async () => {
    const created = await admin('POST', '/api/keys', { kind: 'admin', name: 'auditor' });
    expect(created.statusCode).toBe(201);
    const { key, secret } = created.json<{ key: { id: string }; secret: string }>();
    const before = await lastSeq();
    const auth = `Bearer ${secret}`;
    expect((await admin('POST', '/api/segments', { name: 'audited', rule: 'traits.plan = "pro"' }, auth)).statusCode).toBe(201);
    expect((await admin('PUT', '/api/segments/audited', { name: 'audited', rule: 'traits.plan = "team"' }, auth)).statusCode).toBe(200);
    expect((await admin('POST', '/api/segments/dry-run', { name: 'x', rule: 'traits.plan = "x"' }, auth)).statusCode).toBe(200);
    await admin('DELETE', '/api/profiles/email:someone%40example.com', undefined, auth);
    const rows = await rowsAfter(before);
    expect(rows.map((r) => `${r.method} ${r.route}`).slice(0, 3)).toEqual(['POST /api/segments', 'PUT /api/segments/:id', 'POST /api/segments/dry-run']);
    expect(rows.every((r) => r.actor === `key:${key.id}`)).toBe(true);
    expect(rows[1]).toMatchObject({
      params: { id: 'audited' },
      status: 200,
      bodyDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      detail: { rule: { before: 'traits.plan = "pro"', after: 'traits.plan = "team"' } },
    });
    const all = JSON.stringify(await rowsAfter(0));
    expect(all).not.toContain('someone@example.com');
    expect(all).not.toContain(secret);
  });

  it('keeps an intact chain through all of it', async () => {
    const verified = await new AuditLogSql(t.app.store.sql).verify();
    expect(verified.ok).toBe(true);
    expect(verified.checked).toBeGreaterThan(25);
  });
});
