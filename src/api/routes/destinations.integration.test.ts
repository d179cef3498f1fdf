import Fastify, { type FastifyInstance } from 'fastify';
import { createHmac } from 'node:crypto';
import { FakeClock } from '../../core/index.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryHarness } from '../../destinations/testing/index.js';
import { createTestSqliteStore } from '../../store/testing/index.js';
import type { Store } from '../../store/index.js';
import { installErrorHandler } from '../error-handler.js';
import { destinationRoutes } from './destinations.js';

/** The Standard Webhooks signature of a received request under `secret` (v1: HMAC-SHA256 of "id.timestamp.body"). */
function signatureOf(secret: string, r: { headers: Record<string, unknown>; body: string } | undefined): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${String(r?.headers['webhook-id'])}.${String(r?.headers['webhook-timestamp'])}.${r?.body ?? ''}`;
  return `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
}

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

  it('registers an ESP list sync without ever returning its API key, and shows its state and segment mapping', async () => {
    const vip = h.segments.add(h.workspaceId, 'VIP');
    const created = await app.inject({
      method: 'POST',
      url: '/api/destinations',
      payload: { name: 'Mailchimp VIPs', kind: 'mailchimp', apiKey: 'abcdef0123456789-us6', list: 'aud1', segments: ['VIP'], mapping: { VIP: 'vip-tag' } },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body).not.toContain('abcdef0123456789');
    const body = created.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      kind: 'mailchimp',
      url: 'https://us6.api.mailchimp.com',
      secretHint: '…-us6',
      emailTargeting: true,
      segments: [vip.id],
      config: { list: 'aud1', dataCenter: 'us6', mapping: { [vip.id]: 'vip-tag' } },
      initialSync: 0,
    });
    expect(body.secret).toBeUndefined();
    const read = await app.inject({ method: 'GET', url: `/api/destinations/${String(body.id)}` });
    expect(read.body).not.toContain('abcdef0123456789');
    expect(read.json()).toMatchObject({ state: { synced: 0, pending: 0, dead: 0, rateLimitWaits: 0, lastError: null, segments: [{ segmentId: vip.id, target: 'vip-tag' }] } });
  });

  it('refuses an ESP destination without its key or list, a Mailchimp key without data centre, and a base URL the SSRF guard forbids', async () => {
    const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/destinations', payload: { name: 'x', segments: 'all', ...payload } });
    expect((await post({ kind: 'sendgrid', list: 'l' })).json()).toMatchObject({ code: 'DESTINATION_INVALID', field: 'apiKey' });
    expect((await post({ kind: 'klaviyo', apiKey: 'k' })).json()).toMatchObject({ code: 'DESTINATION_INVALID', field: 'list' });
    expect((await post({ kind: 'mailchimp', apiKey: 'nodc', list: 'a' })).json()).toMatchObject({ code: 'DESTINATION_INVALID', field: 'dataCenter' });
    const forbidden = await post({ kind: 'sendgrid', apiKey: 'k', list: 'l', baseUrl: 'http://169.254.169.254/' });
    expect(forbidden.statusCode).toBe(422);
    expect(forbidden.json()).toMatchObject({ code: 'DESTINATION_URL_FORBIDDEN', field: 'baseUrl' });
    expect((await app.inject({ method: 'GET', url: '/api/destinations' })).json()).toEqual({ destinations: [] });
  });

  it('rotates a webhook secret: both signatures during the grace period, only the new one after it', async () => {
    const s = h.segments.add(h.workspaceId, 'VIP');
    const created = await app.inject({ method: 'POST', url: '/api/destinations', payload: { name: 'CRM', url: `${h.receiver.origin}/hook`, segments: 'all' } });
    const { id, secret: oldSecret } = created.json<{ id: string; secret: string }>();
    const rotated = await app.inject({ method: 'POST', url: `/api/destinations/${id}/rotate-secret`, payload: { graceSeconds: 3600 } });
    expect(rotated.statusCode).toBe(200);
    const { secret: newSecret, previousSecretValidUntil } = rotated.json<{ secret: string; previousSecretValidUntil: string }>();
    expect(newSecret).toMatch(/^whsec_/);
    expect(Date.parse(previousSecretValidUntil) - h.clock.now()).toBe(3_600_000);

    await h.change({ segmentId: s.id, profileId: await h.profile({ email: 'a@example.com' }), kind: 'entered' });
    await h.worker.tick();
    const during = h.receiver.requests[0];
    expect(String(during?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const key of [oldSecret, newSecret]) expect(String(during?.headers['webhook-signature']).split(' ')).toContain(signatureOf(key, during));

    (h.clock as FakeClock).advance(3_600_000);
    await h.change({ segmentId: s.id, profileId: await h.profile({ email: 'b@example.com' }), kind: 'entered' });
    await h.worker.tick();
    const after = h.receiver.requests[1];
    expect(String(after?.headers['webhook-signature'])).toBe(signatureOf(newSecret, after));
  });
});
