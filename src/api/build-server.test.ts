import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../app/testing/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { buildServer } from './build-server.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  t.app.server.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', authorization: t.writeAuth, ...headers },
    payload: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });

describe('the HTTP API', () => {
  it('accepts a track call and answers like Segment', async () => {
    const res = await post('/v1/track', { userId: 'api-1', event: 'Signed Up' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
  });

  it('accepts the write key in the body instead of Basic auth', async () => {
    const res = await post('/v1/identify', { userId: 'api-2', writeKey: t.writeKey }, { authorization: '' });
    expect(res.statusCode).toBe(200);
  });

  it('accepts a gzip-encoded batch', async () => {
    const body = gzipSync(JSON.stringify({ batch: [{ type: 'track', userId: 'api-3', event: 'A' }] }));
    const res = await post('/v1/batch', body, { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(200);
  });

  it('accepts JSON sent as text/plain, as browser beacons send it', async () => {
    const res = await post('/v1/page', { anonymousId: 'beacon-1', name: 'Home' }, { 'content-type': 'text/plain;charset=UTF-8' });
    expect(res.statusCode).toBe(200);
  });

  it('lets browsers on any origin send events (CORS preflight and header)', async () => {
    const preflight = await t.app.server.inject({ method: 'OPTIONS', url: '/v1/batch', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('content-type');
    const res = await post('/v1/track', { anonymousId: 'cors-1', event: 'A' }, { origin: 'https://shop.example' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('warns when it clamps a far-future timestamp', async () => {
    const res = await post('/v1/track', { userId: 'api-future', event: 'A', timestamp: '2099-01-01T00:00:00Z' });
    expect(res.statusCode).toBe(200);
    expect(res.json().warnings).toEqual([expect.stringContaining('2099-01-01T00:00:00.000Z')]);
  });

  it('stops a gzip bomb at the body limit with 413', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    const res = await post('/v1/batch', bomb, { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'INGEST_BATCH_TOO_LARGE' });
  });

  it('returns the profile by userId with its events and identities', async () => {
    await post('/v1/identify', { userId: 'api-4', anonymousId: 'anon-api-4', traits: { email: 'four@example.com', plan: 'pro' } });
    const res = await t.app.server.inject({ url: '/api/profiles/email:four@example.com', headers: { authorization: t.adminAuth } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.traits).toEqual({ email: 'four@example.com', plan: 'pro' });
    expect(body.identities.map((i: { kind: string }) => i.kind).sort()).toEqual(['anonymous_id', 'email', 'user_id']);
    expect(body.events.items).toHaveLength(1);
  });

  it('pages a profile’s events with limit and before', async () => {
    await post('/v1/batch', { batch: [1, 2, 3].map((i) => ({ type: 'track', userId: 'api-5', event: `E${i}` })) });
    const first = (await t.app.server.inject({ url: '/api/profiles/api-5?limit=2', headers: { authorization: t.adminAuth } })).json();
    expect(first.events.items.map((e: { name: string }) => e.name)).toEqual(['E3', 'E2']);
    const second = (
      await t.app.server.inject({ url: `/api/profiles/api-5?limit=2&before=${first.events.nextBefore}`, headers: { authorization: t.adminAuth } })
    ).json();
    expect(second.events.items.map((e: { name: string }) => e.name)).toEqual(['E1']);
    expect(second.events.nextBefore).toBeNull();
  });

  it('refuses the admin API without a key, with a problem document', async () => {
    const res = await t.app.server.inject({ url: '/api/profiles/api-1' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'AUTH_MISSING_ADMIN_KEY', status: 401 });
  });

  it('refuses a write key on the admin API', async () => {
    const res = await t.app.server.inject({ url: '/api/profiles/api-1', headers: { authorization: `Bearer ${t.writeKey}` } });
    expect(res.json()).toMatchObject({ code: 'AUTH_INVALID_ADMIN_KEY' });
  });

  it('answers 404 PROFILE_NOT_FOUND for an unknown id', async () => {
    const res = await t.app.server.inject({ url: '/api/profiles/nobody', headers: { authorization: t.adminAuth } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'PROFILE_NOT_FOUND' });
  });

  it('serves the OpenAPI document publicly, listing ingestion and profiles', async () => {
    const res = await t.app.server.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/v1/track', '/v1/batch', '/api/profiles/{id}']));
  });

  it('serves the docs UI publicly', async () => {
    const res = await t.app.server.inject({ url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
  });

  it('reports health, readiness and metrics', async () => {
    expect((await t.app.server.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.server.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    const metrics = (await t.app.server.inject({ url: '/metrics', headers: { authorization: t.adminAuth } })).body;
    expect(metrics).toContain('segflow_ingested_messages_total{type="track",outcome="accepted"}');
    expect(metrics).toContain('segflow_http_request_duration_seconds_bucket');
    expect(metrics).toContain('segflow_ingest_queue_depth');
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('answers unknown paths with a 404 problem', async () => {
    const res = await t.app.server.inject({ url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

/** Makes every store transaction (the ingest group commit) wait until the returned function is called. */
function holdTransactions(store: Store): () => void {
  const original = store.transaction.bind(store);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  (store as { transaction: typeof store.transaction }).transaction = async (fn) => {
    await gate;
    return original(fn);
  };
  return release;
}

describe('backpressure and shutdown', () => {
  it('answers 429 with Retry-After when the write queue is over its bound', async () => {
    const small = await startTestApp({ ingest: { maxQueuedMessages: 10 } });
    try {
      const { store, services: { ingest } } = small.app;
      // Hold the first group commit so the queue stays full while the second request arrives.
      const release = holdTransactions(store);
      const batch = (n: number) => JSON.stringify({ batch: Array.from({ length: n }, (_, i) => ({ type: 'track', userId: `bp-${i}`, event: 'A' })) });
      const headers = { 'content-type': 'application/json', authorization: small.writeAuth };
      const first = small.app.server.inject({ method: 'POST', url: '/v1/batch', headers, payload: batch(10) });
      while (ingest.queueDepth < 10) await new Promise((resolve) => setImmediate(resolve));
      const refused = await small.app.server.inject({ method: 'POST', url: '/v1/batch', headers, payload: batch(1) });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toMatchObject({ code: 'INGEST_OVERLOADED' });
      release();
      expect((await first).statusCode).toBe(200);
      expect(await store.events.count('ws_default')).toBe(10);
    } finally {
      await small.close();
    }
  });

  it('finishes an in-flight batch before a graceful close completes', async () => {
    const app2 = await startTestApp({ listen: true });
    const { store, services: { ingest } } = app2.app;
    const release = holdTransactions(store);
    const response = fetch(`${app2.app.url}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: app2.writeAuth },
      body: JSON.stringify({ batch: Array.from({ length: 10 }, (_, i) => ({ type: 'track', userId: `drain-${i}`, event: 'A' })) }),
    });
    while (ingest.queueDepth < 10) await new Promise((resolve) => setImmediate(resolve));
    const closing = app2.app.close();
    release();
    expect((await response).status).toBe(200);
    await closing;
    const reopened = await openSqliteStore({ file: app2.dbFile! });
    try {
      expect(await reopened.events.count('ws_default')).toBe(10);
    } finally {
      await reopened.close();
      await app2.close();
    }
  });

  it('refuses new requests with 503 SHUTTING_DOWN once shutdown begins, and reports not ready', async () => {
    const other = await startTestApp();
    let shuttingDown = false;
    const services = { ...other.app.services, isShuttingDown: () => shuttingDown };
    const server = await buildServer(services);
    try {
      shuttingDown = true;
      const refused = await server.inject({ method: 'POST', url: '/v1/track', headers: { 'content-type': 'application/json', authorization: other.writeAuth }, payload: '{}' });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toMatchObject({ code: 'SHUTTING_DOWN' });
      expect((await server.inject({ url: '/readyz' })).json()).toMatchObject({ status: 503, code: 'SHUTTING_DOWN' });
      expect((await server.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await server.close();
      await other.close();
    }
  });
});
