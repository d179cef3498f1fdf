import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/index.js';
import type { Store } from '../../store/index.js';
import { createTestSqliteStore } from '../../store/testing/index.js';
import { IngestService } from '../pipeline.js';
import { espSettingNames } from './esp-settings.js';
import { EspWebhookService, type EspIngestSink, type EspRequest } from './esp-webhook-service.js';
import { ReplayTokenRepo } from './replay-token-repo.js';
import {
  createSnsTestSigner,
  generateSendgridKeyPair,
  mailgunBody,
  postmarkAuthorization,
  sendgridEvent,
  signSendgridRequest,
  type SnsTestSigner,
} from './testing.js';

const WS = 'ws_default';
const sendgridKeys = generateSendgridKeyPair();
const MAILGUN_KEY = 'mailgun-signing-key-0123456789';
const POSTMARK = 'hooks:s3cret-pass';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ses-events';

let store: Store;
let clock: FakeClock;
let signer: SnsTestSigner;
let visited: string[];

function service(): EspWebhookService {
  const ingest = new IngestService(store, { clock });
  const sink: EspIngestSink = (workspaceId, messages, provider) =>
    ingest.ingest(workspaceId, messages, { receivedAt: clock.now(), source: `esp:${provider}` });
  return new EspWebhookService({
    workspaces: store.workspaces,
    replayTokens: new ReplayTokenRepo(store.sql),
    clock,
    ingest: sink,
    certificates: signer.certificates,
    subscribeGetter: async (url) => {
      visited.push(url);
      return '<ConfirmSubscriptionResponse/>';
    },
  });
}

function request(body: unknown, headers: Record<string, string> = {}): EspRequest {
  return { rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), headers };
}

async function profileByEmail(email: string) {
  const id = await store.profiles.findByIdentity(WS, 'email', email);
  return id === undefined ? undefined : store.profiles.get(WS, id);
}

beforeEach(async () => {
  store = await createTestSqliteStore();
  signer ??= createSnsTestSigner();
  // Inside the generated certificate's validity, whatever the wall clock says.
  clock = new FakeClock(Date.parse(new X509Certificate(signer.certificatePem).validFrom) + 60_000);
  visited = [];
  await store.workspaces.ensureDefault(clock.now());
  await store.workspaces.setSetting(WS, espSettingNames.sendgrid, sendgridKeys.publicKey);
  await store.workspaces.setSetting(WS, espSettingNames.mailgun, MAILGUN_KEY);
  await store.workspaces.setSetting(WS, espSettingNames.postmark, POSTMARK);
});

afterEach(async () => {
  await store.close();
});

describe('EspWebhookService with SendGrid', () => {
  it('stores a signed batch on the profile that owns the address, and a redelivery only once', async () => {
    const ingest = new IngestService(store, { clock });
    await ingest.ingest(WS, [{ type: 'identify', userId: 'u1', traits: { email: 'Ada@Example.com' } }], { receivedAt: clock.now(), source: 'test' });
    const owner = await profileByEmail('ada@example.com');
    clock.advance(120_000);
    const t = clock.now() / 1000;
    const events = [sendgridEvent('open', 'ada@example.com', t - 60), sendgridEvent('unsubscribe', 'ADA@example.com', t - 30)];
    const esp = service();
    const first = await esp.receive('sendgrid', WS, signed(events));
    expect(first).toMatchObject({ ok: true, forwarded: 2, ignored: 0 });
    const again = await esp.receive('sendgrid', WS, signed(events));
    expect(again).toMatchObject({ ok: true, forwarded: 2, ingest: [{ accepted: 0, duplicates: 2 }] });
    const history = await store.events.historyOf(WS, owner!.id);
    expect(history.map((e) => e.type)).toEqual(['identify', 'track', 'track']);
    expect(history.filter((e) => e.type === 'track').map((e) => [e.name, e.messageId, e.properties.provider])).toEqual([
      ['Email Opened', `sendgrid:${events[0]!.sg_event_id as string}`, 'sendgrid'],
      ['Unsubscribed', `sendgrid:${events[1]!.sg_event_id as string}`, 'sendgrid'],
    ]);
    const profile = await profileByEmail('ada@example.com');
    expect(profile!.subscription).toMatchObject({ state: 'unsubscribed', reason: 'sendgrid:unsubscribe' });
  });

  it('creates a profile known only by email when no one has that address yet', async () => {
    const t = clock.now() / 1000;
    await service().receive('sendgrid', WS, signed([sendgridEvent('bounce', 'new@example.com', t, { type: 'bounce', reason: '550 no such user' })]));
    const profile = await profileByEmail('new@example.com');
    expect(profile!.subscription).toMatchObject({ state: 'hard_bounced', reason: 'sendgrid:bounce' });
    expect(profile!.identities.map((i) => i.kind).sort()).toEqual(['anonymous_id', 'email']);
  });

  it('stores nothing and answers 401 for a tampered or stale request', async () => {
    const t = clock.now() / 1000;
    const good = signed([sendgridEvent('open', 'a@example.com', t)]);
    const tampered = { ...good, rawBody: Buffer.from(good.rawBody.toString().replace('a@example.com', 'b@example.com')) };
    const stale = signed([sendgridEvent('open', 'a@example.com', t)], t - 3600);
    const esp = service();
    expect(await esp.receive('sendgrid', WS, tampered)).toMatchObject({ ok: false, status: 401, code: 'ESP_BAD_SIGNATURE' });
    expect(await esp.receive('sendgrid', WS, stale)).toMatchObject({ ok: false, status: 401, code: 'ESP_STALE_SIGNATURE' });
    expect(await store.events.count(WS)).toBe(0);
  });

  it('refuses with 401 when the workspace has no key for the provider, and with 400 when the body is not JSON', async () => {
    await store.workspaces.setSetting(WS, espSettingNames.sendgrid, undefined);
    expect(await service().receive('sendgrid', WS, signed([]))).toMatchObject({ ok: false, status: 401, code: 'ESP_BAD_SIGNATURE' });
    expect(await service().receive('sendgrid', WS, request('{nope'))).toMatchObject({ ok: false, status: 400, code: 'ESP_INVALID_PAYLOAD' });
  });
});

function signed(events: unknown, at = clock.now() / 1000): EspRequest {
  const s = signSendgridRequest(sendgridKeys.privateKey, events, at);
  return request(s.body, s.headers);
}

describe('EspWebhookService with Mailgun', () => {
  const data = (event: string, id: string) => ({
    event,
    id,
    timestamp: clock.now() / 1000,
    recipient: 'grace@example.com',
    severity: 'permanent',
    reason: 'bounce',
    message: { headers: { 'message-id': 'm-1@mg.example.com' } },
  });

  it('stores a signed event and refuses the same request replayed, even by a restarted service', async () => {
    const body = mailgunBody(MAILGUN_KEY, data('complained', 'ev-1'), clock.now() / 1000);
    expect(await service().receive('mailgun', WS, request(body))).toMatchObject({ ok: true, forwarded: 1 });
    clock.advance(1_000);
    expect(await service().receive('mailgun', WS, request(body))).toMatchObject({ ok: false, status: 401, code: 'ESP_REPLAYED' });
    expect(await store.events.count(WS)).toBe(1);
    expect((await profileByEmail('grace@example.com'))!.subscription.state).toBe('complained');
  });

  it('lets Mailgun retry a request that ingestion failed to store, instead of calling it a replay', async () => {
    const failing = new EspWebhookService({
      workspaces: store.workspaces,
      replayTokens: new ReplayTokenRepo(store.sql),
      clock,
      ingest: async () => {
        throw new Error('write queue full');
      },
    });
    const body = mailgunBody(MAILGUN_KEY, data('opened', 'ev-9'), clock.now() / 1000);
    await expect(failing.receive('mailgun', WS, request(body))).rejects.toThrow('write queue full');
    expect(await service().receive('mailgun', WS, request(body))).toMatchObject({ ok: true, forwarded: 1 });
    expect(await store.events.count(WS)).toBe(1);
  });

  it('purges replay tokens once their window has closed', async () => {
    const esp = service();
    await esp.receive('mailgun', WS, request(mailgunBody(MAILGUN_KEY, data('delivered', 'ev-2'), clock.now() / 1000)));
    expect(await esp.purgeReplayTokens()).toBe(0);
    clock.advance(11 * 60_000);
    expect(await esp.purgeReplayTokens()).toBe(1);
  });

  it('purges expired tokens by itself when Mailgun requests keep arriving, at most hourly', async () => {
    const esp = service();
    const tokens = async () => (await store.sql.query('SELECT token FROM esp_replay_tokens')).length;
    await esp.receive('mailgun', WS, request(mailgunBody(MAILGUN_KEY, data('delivered', 'ev-3'), clock.now() / 1000)));
    clock.advance(30 * 60_000);
    await esp.receive('mailgun', WS, request(mailgunBody(MAILGUN_KEY, data('delivered', 'ev-4'), clock.now() / 1000)));
    expect(await tokens()).toBe(2);
    clock.advance(31 * 60_000);
    await esp.receive('mailgun', WS, request(mailgunBody(MAILGUN_KEY, data('delivered', 'ev-5'), clock.now() / 1000)));
    expect(await tokens()).toBe(1);
  });
});

describe('EspWebhookService with Postmark', () => {
  it('stores a hard bounce sent with the right credentials and refuses wrong ones', async () => {
    const bounce = {
      RecordType: 'Bounce',
      ID: 692560173,
      Type: 'HardBounce',
      TypeCode: 1,
      MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
      Email: 'linus@example.com',
      BouncedAt: new Date(clock.now()).toISOString(),
      Details: 'smtp;550 5.1.1 The email account does not exist',
    };
    const esp = service();
    expect(await esp.receive('postmark', WS, request(bounce, { authorization: postmarkAuthorization('hooks:guess') }))).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(await store.events.count(WS)).toBe(0);
    expect(await esp.receive('postmark', WS, request(bounce, { authorization: postmarkAuthorization(POSTMARK) }))).toMatchObject({ ok: true, forwarded: 1 });
    expect((await profileByEmail('linus@example.com'))!.subscription).toMatchObject({ state: 'hard_bounced', reason: 'postmark:HardBounce' });
  });
});

describe('EspWebhookService with Amazon SES', () => {
  const confirmation = () =>
    signer.sign({
      Type: 'SubscriptionConfirmation',
      MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      Token: '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
      TopicArn: TOPIC,
      Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=2336412f37`,
      Timestamp: new Date(clock.now()).toISOString(),
    });
  const open = (id: string) =>
    signer.sign({
      Type: 'Notification',
      MessageId: id,
      TopicArn: TOPIC,
      Message: JSON.stringify({
        eventType: 'Open',
        mail: { messageId: 'ses-1', timestamp: new Date(clock.now()).toISOString(), destination: ['hedy@example.com'] },
        open: { ipAddress: '192.0.2.1', timestamp: new Date(clock.now()).toISOString(), userAgent: 'Mozilla/5.0' },
      }),
      Timestamp: new Date(clock.now()).toISOString(),
    });

  it('confirms the subscription by visiting SubscribeURL through the pluggable getter', async () => {
    const receipt = await service().receive('ses', WS, request(confirmation()));
    expect(receipt).toMatchObject({ ok: true, subscriptionConfirmed: true, forwarded: 0 });
    expect(visited).toEqual([confirmation().SubscribeURL]);
  });

  it('never visits a SubscribeURL outside Amazon SNS, even in a validly signed message', async () => {
    const evil = signer.sign({ ...confirmation(), SubscribeURL: 'https://169.254.169.254/latest/meta-data/' });
    expect(await service().receive('ses', WS, request(evil))).toMatchObject({ ok: false, status: 401 });
    expect(visited).toEqual([]);
  });

  it('stores an open once even when SNS redelivers it, fetching the certificate through the source', async () => {
    const esp = service();
    await esp.receive('ses', WS, request(open('n-1')));
    await esp.receive('ses', WS, request(open('n-1')));
    expect(await store.events.count(WS)).toBe(1);
    expect(signer.certificates.requests).toContain(signer.certificateUrl);
  });

  it('refuses topics outside the workspace allow-list with 403 and stores nothing', async () => {
    await store.workspaces.setSetting(WS, espSettingNames.ses, ['arn:aws:sns:us-east-1:123456789012:other']);
    expect(await service().receive('ses', WS, request(open('n-2')))).toMatchObject({ ok: false, status: 403, code: 'ESP_TOPIC_NOT_ALLOWED' });
    expect(await store.events.count(WS)).toBe(0);
  });

  it('refuses a tampered notification with 401 and stores nothing', async () => {
    const message = open('n-3');
    const tampered = { ...message, Message: message.Message.replace('hedy@', 'eve@') };
    expect(await service().receive('ses', WS, request(tampered))).toMatchObject({ ok: false, status: 401, code: 'ESP_BAD_SIGNATURE' });
    expect(await store.events.count(WS)).toBe(0);
  });
});

describe('EspWebhookService to a prober', () => {
  const otherKeys = generateSendgridKeyPair();
  const signedByOther = (ageSeconds: number): EspRequest => {
    const s = signSendgridRequest(otherKeys.privateKey, [], clock.now() / 1000 - ageSeconds);
    return request(s.body, s.headers);
  };
  const mailgunEvent = () => ({ event: 'opened', id: 'probe-1', timestamp: clock.now() / 1000, recipient: 'p@example.com' });
  const probes: ReadonlyArray<readonly [string, 'sendgrid' | 'mailgun' | 'postmark', () => EspRequest]> = [
    ['a SendGrid request signed with another key', 'sendgrid', () => signedByOther(0)],
    ['a SendGrid request without a signature', 'sendgrid', () => request([])],
    ['a stale SendGrid request signed with another key', 'sendgrid', () => signedByOther(3600)],
    ['a Mailgun request signed with another key', 'mailgun', () => request(mailgunBody('guessed-signing-key-000', mailgunEvent(), clock.now() / 1000))],
    ['a Mailgun request without a signature', 'mailgun', () => request({ 'event-data': mailgunEvent() })],
    ['a Postmark request with guessed credentials', 'postmark', () => request({ RecordType: 'Open' }, { authorization: postmarkAuthorization('hooks:guess') })],
    ['a Postmark request without credentials', 'postmark', () => request({ RecordType: 'Open' })],
  ];

  it.each(probes)('cannot tell a configured provider from an unconfigured one with %s', async (_label, provider, probe) => {
    const configured = await service().receive(provider, WS, probe());
    await store.workspaces.setSetting(WS, espSettingNames[provider], undefined);
    const unconfigured = await service().receive(provider, WS, probe());
    expect(configured).toMatchObject({ ok: false, status: 401 });
    expect(unconfigured).toEqual(configured);
    expect(await store.sql.query('SELECT token FROM esp_replay_tokens')).toEqual([]);
  });
});
