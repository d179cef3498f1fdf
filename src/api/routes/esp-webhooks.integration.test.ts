import { X509Certificate } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, storeEspPort, type Services } from '../../app/index.js';
import { FakeClock } from '../../core/index.js';
import {
  createSnsTestSigner,
  generateSendgridKeyPair,
  mailgunBody,
  postmarkAuthorization,
  sendgridEvent,
  sendgridWebhookRequest,
  signSendgridRequest,
  type SnsTestSigner,
} from '../../ingest/esp/testing.js';
import { IngestService, KeyAuthenticator, keyRecord } from '../../ingest/index.js';
import type { Store } from '../../store/index.js';
import { createTestSqliteStore } from '../../store/testing/index.js';
import { buildServer } from '../index.js';

const WRITE = 'sfw_test-write-key-0123456789';
const ADMIN = 'sfa_test-admin-key-0123456789';
const sendgrid = generateSendgridKeyPair();

let signer: SnsTestSigner;
let store: Store;
let clock: FakeClock;
let server: FastifyInstance;
let visited: string[];
let services: Services;
/** What the server logged (JSON lines), to check that dropped events and refusals are logged with their reason. */
let logLines: Record<string, unknown>[];
let failCertificates = false;

beforeAll(() => {
  signer = createSnsTestSigner();
});

beforeEach(async () => {
  // Inside the generated SNS certificate's validity, whatever the wall clock says.
  clock = new FakeClock(Date.parse(new X509Certificate(signer.certificatePem).validFrom) + 60_000);
  store = await createTestSqliteStore();
  const ws = await store.workspaces.ensureDefault(clock.now());
  await store.workspaces.addKey(keyRecord(ws.id, 'write', WRITE, clock.now()));
  await store.workspaces.addKey(keyRecord(ws.id, 'admin', ADMIN, clock.now()));
  visited = [];
  logLines = [];
  failCertificates = false;
  const ingest = new IngestService(store, { clock });
  const esp = storeEspPort({
    store,
    ingest,
    clock,
    certificates: {
      get: async (url: string) => {
        if (failCertificates) throw new Error('connect ETIMEDOUT sns.us-east-1.amazonaws.com');
        return signer.certificates.get(url);
      },
    },
    subscribeGetter: async (url) => (visited.push(url), 'ok'),
  });
  services = {
    ingest,
    ping: () => store.ping(),
    keys: new KeyAuthenticator(store.workspaces, clock),
    clock,
    logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) }),
    metrics: new Registry(),
    isShuttingDown: () => false,
    esp,
  };
  server = await buildServer(services);
});

afterEach(async () => {
  await server.close();
  await store.close();
});

async function configure(provider: string, body: unknown): Promise<number> {
  const res = await server.inject({ method: 'PUT', url: `/api/settings/esp/${provider}`, headers: { authorization: `Bearer ${ADMIN}` }, payload: body as object });
  return res.statusCode;
}

async function profileByEmail(email: string) {
  const id = await store.profiles.findByIdentity('ws_default', 'email', email);
  return id === undefined ? undefined : store.profiles.get('ws_default', id);
}

function postSendgrid(events: unknown, at = clock.now() / 1000, key = WRITE) {
  return server.inject(sendgridWebhookRequest(sendgrid.privateKey, events, at, key));
}

describe('POST /v1/webhooks/sendgrid', () => {
  it('stores signed events on the person with that email, and a redelivered batch once', async () => {
    expect(await configure('sendgrid', { publicKey: sendgrid.publicKey })).toBe(200);
    await server.inject({
      method: 'POST',
      url: '/v1/identify',
      headers: { authorization: `Basic ${Buffer.from(`${WRITE}:`).toString('base64')}` },
      payload: { userId: 'user-7', traits: { email: 'Ada@Example.com' }, timestamp: new Date(clock.now() - 60_000).toISOString() },
    });
    const t = clock.now() / 1000;
    const events = [sendgridEvent('processed', 'ada@example.com', t), sendgridEvent('open', 'ada@example.com', t), sendgridEvent('unsubscribe', 'ada@example.com', t)];
    const first = await postSendgrid(events);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ success: true, forwarded: 2, ignored: 1, accepted: 2, duplicates: 0, rejected: 0 });
    const again = await postSendgrid(events);
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    const profile = await profileByEmail('ada@example.com');
    expect(profile!.identities.some((i) => i.kind === 'user_id' && i.value === 'user-7')).toBe(true);
    const names = (await store.events.historyOf('ws_default', profile!.id)).map((e) => e.name);
    expect(names).toEqual([null, 'Email Opened', 'Unsubscribed']);
    expect(profile!.subscription.state).toBe('unsubscribed');
  });

  it('answers 401 problem+json and stores nothing for a tampered body', async () => {
    await configure('sendgrid', { publicKey: sendgrid.publicKey });
    const signed = signSendgridRequest(sendgrid.privateKey, [sendgridEvent('open', 'a@example.com', clock.now() / 1000)], clock.now() / 1000);
    const res = await server.inject({
      method: 'POST',
      url: `/v1/webhooks/sendgrid?key=${WRITE}`,
      headers: signed.headers,
      payload: signed.body.replace('"open"', '"click"'),
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'ESP_BAD_SIGNATURE', status: 401 });
    expect(await store.events.count('ws_default')).toBe(0);
  });

  it('answers 401 for a stale signature, a missing or wrong write key, and an unconfigured provider', async () => {
    const events = [sendgridEvent('open', 'a@example.com', clock.now() / 1000)];
    expect((await postSendgrid(events)).json()).toMatchObject({ code: 'ESP_BAD_SIGNATURE', status: 401 });
    await configure('sendgrid', { publicKey: sendgrid.publicKey });
    expect((await postSendgrid(events, clock.now() / 1000 - 3600)).json()).toMatchObject({ code: 'ESP_STALE_SIGNATURE', status: 401 });
    expect((await postSendgrid(events, undefined, 'sfw_nope')).statusCode).toBe(401);
    const noKey = await server.inject({ method: 'POST', url: '/v1/webhooks/sendgrid', headers: { 'content-type': 'application/json' }, payload: '[]' });
    expect(noKey.json()).toMatchObject({ code: 'AUTH_MISSING_WRITE_KEY' });
    expect(await store.events.count('ws_default')).toBe(0);
  });
});

describe('POST /v1/webhooks/mailgun and /postmark', () => {
  it('stores a Mailgun event once and refuses the replayed request', async () => {
    expect(await configure('mailgun', { signingKey: 'mg-signing-key-123456' })).toBe(200);
    const body = mailgunBody(
      'mg-signing-key-123456',
      { event: 'opened', id: 'mg-ev-1', timestamp: clock.now() / 1000, recipient: 'grace@example.com' },
      clock.now() / 1000,
    );
    const post = () => server.inject({ method: 'POST', url: `/v1/webhooks/mailgun?key=${WRITE}`, payload: body });
    expect((await post()).json()).toMatchObject({ accepted: 1 });
    const replay = await post();
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'ESP_REPLAYED' });
  });

  it('stores a Postmark spam complaint sent with the configured basic auth', async () => {
    expect(await configure('postmark', { credentials: 'hook:pa55word' })).toBe(200);
    const complaint = {
      RecordType: 'SpamComplaint',
      ID: 42,
      Type: 'SpamComplaint',
      TypeCode: 512,
      MessageID: '00000000-0000-0000-0000-000000000000',
      Email: 'linus@example.com',
      BouncedAt: new Date(clock.now()).toISOString(),
    };
    const post = (credentials: string) =>
      server.inject({ method: 'POST', url: `/v1/webhooks/postmark?key=${WRITE}`, headers: { authorization: postmarkAuthorization(credentials) }, payload: complaint });
    expect((await post('hook:wrong')).statusCode).toBe(401);
    expect((await post('hook:pa55word')).statusCode).toBe(200);
    expect((await profileByEmail('linus@example.com'))!.subscription.state).toBe('complained');
  });
});

describe('POST /v1/webhooks/ses', () => {
  it('accepts SNS text/plain posts: confirms the subscription, then stores a bounce as a hard bounce', async () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:ses-events';
    const confirmation = signer.sign({
      Type: 'SubscriptionConfirmation',
      MessageId: 'c-1',
      Token: 'token-1',
      TopicArn: topic,
      Message: 'You have chosen to subscribe to the topic.',
      SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${topic}&Token=token-1`,
      Timestamp: new Date(clock.now()).toISOString(),
    });
    const post = (payload: unknown) =>
      server.inject({ method: 'POST', url: `/v1/webhooks/ses?key=${WRITE}`, headers: { 'content-type': 'text/plain; charset=UTF-8' }, payload: JSON.stringify(payload) });
    expect((await post(confirmation)).json()).toMatchObject({ success: true, subscriptionConfirmed: true });
    expect(visited).toHaveLength(1);
    const bounce = signer.sign({
      Type: 'Notification',
      MessageId: 'n-1',
      TopicArn: topic,
      Message: JSON.stringify({
        notificationType: 'Bounce',
        bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'hedy@example.com' }], timestamp: new Date(clock.now()).toISOString() },
        mail: { messageId: 'ses-1', destination: ['hedy@example.com'] },
      }),
      Timestamp: new Date(clock.now()).toISOString(),
    });
    expect((await post(bounce)).json()).toMatchObject({ accepted: 1 });
    expect((await profileByEmail('hedy@example.com'))!.subscription).toMatchObject({ state: 'hard_bounced', reason: 'ses:Bounce' });
  });
});

describe('the ESP endpoints in the server', () => {
  it('are described in the OpenAPI document and counted in the metrics by provider and outcome', async () => {
    await configure('sendgrid', { publicKey: sendgrid.publicKey });
    await postSendgrid([sendgridEvent('open', 'a@example.com', clock.now() / 1000)]);
    await postSendgrid([], clock.now() / 1000 - 3600);
    const spec = (await server.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/webhooks/{provider}', '/api/settings/esp/{provider}']));
    const metrics = await services.metrics.metrics();
    expect(metrics).toContain('segflow_esp_webhook_requests_total{provider="sendgrid",outcome="ok"} 1');
    expect(metrics).toContain('segflow_esp_webhook_requests_total{provider="sendgrid",outcome="ESP_STALE_SIGNATURE"} 1');
  });
});

describe('ESP webhook rough edges', () => {
  it('counts and logs a Mailgun event without an id instead of dropping it silently', async () => {
    expect(await configure('mailgun', { signingKey: 'mg-signing-key-123456' })).toBe(200);
    const body = mailgunBody('mg-signing-key-123456', { event: 'opened', timestamp: clock.now() / 1000, recipient: 'grace@example.com' }, clock.now() / 1000);
    const res = await server.inject({ method: 'POST', url: `/v1/webhooks/mailgun?key=${WRITE}`, payload: body });
    expect(res.json()).toMatchObject({ success: true, forwarded: 0, ignored: 1 });
    expect(await services.metrics.metrics()).toContain('segflow_esp_events_ignored_total{provider="mailgun",reason="missing_event_id"} 1');
    expect(logLines).toEqual(expect.arrayContaining([expect.objectContaining({ msg: 'ESP webhook events ignored', provider: 'mailgun', reasons: { missing_event_id: 1 } })]));
  });

  it('counts SendGrid events outside the vocabulary by reason', async () => {
    await configure('sendgrid', { publicKey: sendgrid.publicKey });
    await postSendgrid([sendgridEvent('processed', 'a@example.com', clock.now() / 1000), sendgridEvent('open', 'a@example.com', clock.now() / 1000)]);
    expect(await services.metrics.metrics()).toContain('segflow_esp_events_ignored_total{provider="sendgrid",reason="event_type_not_mapped_or_incomplete"} 1');
  });

  it('answers an SES notification whose signing certificate cannot be fetched with a retryable 503 problem, and logs it', async () => {
    failCertificates = true;
    const note = signer.sign({
      Type: 'Notification',
      MessageId: 'n-cert',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-events',
      Message: JSON.stringify({ notificationType: 'Delivery', delivery: { recipients: ['x@example.com'], timestamp: new Date(clock.now()).toISOString() }, mail: { messageId: 'm' } }),
      Timestamp: new Date(clock.now()).toISOString(),
    });
    const res = await server.inject({ method: 'POST', url: `/v1/webhooks/ses?key=${WRITE}`, headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(note) });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'ESP_CERTIFICATE_UNAVAILABLE' });
    expect(res.json().detail).toContain('ETIMEDOUT');
    expect(logLines).toEqual(expect.arrayContaining([expect.objectContaining({ msg: 'ESP webhook request refused', code: 'ESP_CERTIFICATE_UNAVAILABLE' })]));
  });

  it('takes SES settings without allowedTopics and reports SES configured with the topics it accepts', async () => {
    expect(await configure('ses', {})).toBe(200);
    const topic = 'arn:aws:sns:us-east-1:123456789012:ses-events';
    expect(await configure('ses', { allowedTopics: [topic] })).toBe(200);
    const res = await server.inject({ method: 'GET', url: '/api/settings/esp', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.json()).toMatchObject({ ses: { configured: true, allowedTopics: [topic] } });
  });
});

describe('ESP settings API', () => {
  it('reports which providers are configured without ever returning a secret', async () => {
    await configure('mailgun', { signingKey: 'mg-signing-key-123456' });
    const res = await server.inject({ method: 'GET', url: '/api/settings/esp', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.json()).toEqual({ sendgrid: { configured: false }, mailgun: { configured: true }, postmark: { configured: false }, ses: { configured: true, allowedTopics: 'any' } });
    expect(res.body).not.toContain('mg-signing-key');
  });

  it('refuses an invalid key with 400 and a request without the admin key with 401', async () => {
    expect(await configure('sendgrid', { publicKey: 'not-a-key' })).toBe(400);
    const anonymous = await server.inject({ method: 'PUT', url: '/api/settings/esp/mailgun', payload: { signingKey: 'mg-signing-key-123456' } });
    expect(anonymous.statusCode).toBe(401);
    const withWriteKey = await server.inject({
      method: 'PUT',
      url: '/api/settings/esp/mailgun',
      headers: { authorization: `Bearer ${WRITE}` },
      payload: { signingKey: 'mg-signing-key-123456' },
    });
    expect(withWriteKey.statusCode).toBe(401);
  });
});

describe('the ESP endpoints in the app as started', () => {
  it('work with the ESP port the real app wiring builds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'segflow-esp-app-'));
    const appClock = new FakeClock(Date.UTC(2026, 5, 1));
    const app = await startApp(
      { port: 0, host: '127.0.0.1', storage: { kind: 'sqlite', file: join(dir, 'segflow.db') }, writeKey: WRITE, adminKey: ADMIN, logLevel: 'silent' },
      { clock: appClock, listen: false },
    );
    try {
      const put = await app.server.inject({
        method: 'PUT',
        url: '/api/settings/esp/sendgrid',
        headers: { authorization: `Bearer ${ADMIN}` },
        payload: { publicKey: sendgrid.publicKey },
      });
      expect(put.statusCode).toBe(200);
      const t = appClock.now() / 1000;
      const res = await app.server.inject(sendgridWebhookRequest(sendgrid.privateKey, [sendgridEvent('open', 'ada@example.com', t)], t, WRITE));
      expect(res.json()).toMatchObject({ success: true, accepted: 1 });
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
