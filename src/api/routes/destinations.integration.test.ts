import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryHarness } from '../../destinations/testing/index.js';
import { createTestSqliteStore } from '../../store/testing/index.js';
import type { Store } from '../../store/index.js';
import { installErrorHandler } from '../error-handler.js';
import { destinationRoutes } from './destinations.js';

describe('destinations API', () => {
  let store: Store;
  let h: DeliveryHarness;
  let app: FastifyInstance;

  beforeEach(async () => {
    store = await createTestSqliteStore();
    h = await DeliveryHarness.create(store);
    app = Fastify();
    installErrorHandler(app);
    await app.register(destinationRoutes, { destinations: h.service, workspaceOf: () => h.workspaceId });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await h.close();
    await store.close();
  });

  it('registers a destination and shows its signing secret only in the create response', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/destinations',
      payload: { name: 'CRM', url: `${h.receiver.origin}/hook`, segments: 'all', emailTargeting: true },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json<{ id: string; secret: string; emailTargeting: boolean; enabled: boolean }>();
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(body).toMatchObject({ emailTargeting: true, enabled: true });
    expect(created.headers.location).toBe(`/api/destinations/${body.id}`);

    const read = await app.inject({ method: 'GET', url: `/api/destinations/${body.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain('whsec_');
    const list = await app.inject({ method: 'GET', url: '/api/destinations' });
    expect(list.json<{ destinations: { id: string; counts: unknown }[] }>().destinations).toEqual([
      expect.objectContaining({ id: body.id, counts: { pending: 0, delivered: 0, dead: 0 } }),
    ]);
    expect(list.body).not.toContain('whsec_');
  });

  it.each(['http://127.0.0.2/hook', 'http://2130706434/', 'http://0177.0.0.2/', 'http://[::ffff:10.0.0.1]/', 'http://169.254.169.254/', 'http://metadata.google.internal/'])(
    'refuses %s with 422 DESTINATION_URL_FORBIDDEN on the url field',
    async (url) => {
      const res = await app.inject({ method: 'POST', url: '/api/destinations', payload: { name: 'x', url, segments: 'all' } });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'DESTINATION_URL_FORBIDDEN', field: 'url' });
    },
  );

  it('keeps one workspace from seeing or changing another workspace\'s destinations', async () => {
    const { id } = await h.destination();
    const other = Fastify();
    installErrorHandler(other);
    await other.register(destinationRoutes, { destinations: h.service, workspaceOf: () => 'ws_other' });
    try {
      expect((await other.inject({ method: 'GET', url: '/api/destinations' })).json()).toEqual({ destinations: [] });
      expect((await other.inject({ method: 'GET', url: `/api/destinations/${id}` })).statusCode).toBe(404);
      expect((await other.inject({ method: 'PATCH', url: `/api/destinations/${id}`, payload: { enabled: false } })).statusCode).toBe(404);
      expect((await other.inject({ method: 'GET', url: `/api/destinations/${id}/deliveries` })).statusCode).toBe(404);
      expect((await other.inject({ method: 'DELETE', url: `/api/destinations/${id}` })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: `/api/destinations/${id}` })).json()).toMatchObject({ id, enabled: true });
    } finally {
      await other.close();
    }
  });

  it('refuses an unknown segment id and a malformed body', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/api/destinations', payload: { name: 'x', url: `${h.receiver.origin}/`, segments: ['seg_nope'] } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'DESTINATION_INVALID', field: 'segments' });
    const malformed = await app.inject({ method: 'POST', url: '/api/destinations', payload: { name: 'x', kind: 'fax', segments: 'all' } });
    expect(malformed.statusCode).toBe(400);
    const noUrl = await app.inject({ method: 'POST', url: '/api/destinations', payload: { name: 'x', segments: 'all' } });
    expect(noUrl.statusCode).toBe(422);
    expect(noUrl.json()).toMatchObject({ code: 'DESTINATION_INVALID', field: 'url' });
  });

  it('patches, lists deliveries with attempts, replays and deletes', async () => {
    const seg = h.segments.add(h.workspaceId, 'VIP');
    const { id } = await h.destination();
    const renamed = await app.inject({ method: 'PATCH', url: `/api/destinations/${id}`, payload: { name: 'Renamed', enabled: false } });
    expect(renamed.json()).toMatchObject({ name: 'Renamed', enabled: false, disabledReason: 'manual' });
    const forbidden = await app.inject({ method: 'PATCH', url: `/api/destinations/${id}`, payload: { url: 'http://10.0.0.1/' } });
    expect(forbidden.json()).toMatchObject({ status: 422, code: 'DESTINATION_URL_FORBIDDEN' });
    await app.inject({ method: 'PATCH', url: `/api/destinations/${id}`, payload: { enabled: true } });

    const seq = await h.change({ segmentId: seg.id, profileId: await h.profile({ email: 'a@example.com' }), kind: 'entered' });
    await h.worker.tick();
    const deliveries = await app.inject({ method: 'GET', url: `/api/destinations/${id}/deliveries?status=delivered&limit=10` });
    const [delivery] = deliveries.json<{ deliveries: { id: string; seq: number; attemptLog: { outcome: string }[] }[] }>().deliveries;
    expect(delivery).toMatchObject({ seq, attemptLog: [{ outcome: 'delivered' }] });

    const one = await app.inject({ method: 'POST', url: `/api/destinations/${id}/deliveries/${delivery?.id}/replay` });
    expect([one.statusCode, one.json()]).toEqual([202, { replayed: 1 }]);
    const missing = await app.inject({ method: 'POST', url: `/api/destinations/${id}/deliveries/msg_nope/replay` });
    expect(missing.json()).toMatchObject({ status: 404, code: 'DELIVERY_NOT_FOUND' });
    const range = await app.inject({ method: 'POST', url: `/api/destinations/${id}/replay`, payload: { fromSeq: seq, toSeq: seq } });
    expect(range.json()).toEqual({ replayed: 1 });
    const backwards = await app.inject({ method: 'POST', url: `/api/destinations/${id}/replay`, payload: { fromSeq: 5, toSeq: 1 } });
    expect(backwards.statusCode).toBe(422);
    await h.worker.tick();
    expect(h.receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([delivery?.id, delivery?.id]);

    expect((await app.inject({ method: 'DELETE', url: `/api/destinations/${id}` })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/api/destinations/${id}` })).json()).toMatchObject({ status: 404, code: 'DESTINATION_NOT_FOUND' });
  });
});
