import { describe, expect, it } from 'vitest';
import { mapMailgunEvent, verifyMailgunSignature } from './mailgun.js';
import { mailgunBody } from './testing.js';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const KEY = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';

/** The `event-data` of Mailgun's documented "delivered" webhook example. */
const delivered = {
  tags: ['my_tag_1', 'my_tag_2'],
  timestamp: 1521472262.908181,
  storage: { url: 'https://se.api.mailgun.net/v3/domains/sandbox.mailgun.org/messages/message_key', key: 'message_key' },
  envelope: { transport: 'smtp', sender: 'bob@sandbox.mailgun.org', 'sending-ip': '209.61.154.250', targets: 'alice@example.com' },
  recipient: 'alice@example.com',
  event: 'delivered',
  'recipient-domain': 'example.com',
  id: 'CPgfbmQMTCKtHW6uIWtuVe',
  campaigns: [],
  'user-variables': { 'my_var_1': 'Mailgun Variable #1' },
  flags: { 'is-routed': false, 'is-authenticated': true, 'is-system-test': false, 'is-test-mode': false },
  'log-level': 'info',
  message: { headers: { to: 'Alice <alice@example.com>', 'message-id': '20130503182626.18666.16540@sandbox.mailgun.org', from: 'Bob <bob@sandbox.mailgun.org>', subject: 'Test delivered webhook' }, attachments: [], size: 111 },
  'delivery-status': { tls: true, 'mx-host': 'smtp-in.example.com', code: 250, description: '', message: 'OK', attempt: 1 },
};

function claims() {
  const seen = new Set<string>();
  const claim = async (token: string): Promise<boolean> => {
    if (seen.has(token)) return false;
    seen.add(token);
    return true;
  };
  return { seen, claim };
}

describe('verifyMailgunSignature', () => {
  it('accepts a body signed with the signing key at the current time', async () => {
    const { claim } = claims();
    const body = mailgunBody(KEY, delivered, NOW_S);
    expect(await verifyMailgunSignature({ signingKey: KEY, body, now: NOW, claimToken: claim })).toEqual({ ok: true });
  });

  it('refuses a signature made with another key or over another token, and burns no token doing so', async () => {
    const { seen, claim } = claims();
    const wrongKey = mailgunBody('another-signing-key', delivered, NOW_S);
    const body = mailgunBody(KEY, delivered, NOW_S) as { signature: Record<string, string> };
    const swapped = { ...body, signature: { ...body.signature, token: 'f'.repeat(50) } };
    expect(await verifyMailgunSignature({ signingKey: KEY, body: wrongKey, now: NOW, claimToken: claim })).toMatchObject({
      ok: false,
      code: 'ESP_BAD_SIGNATURE',
      status: 401,
    });
    expect(await verifyMailgunSignature({ signingKey: KEY, body: swapped, now: NOW, claimToken: claim })).toMatchObject({ code: 'ESP_BAD_SIGNATURE' });
    expect(seen.size).toBe(0);
  });

  it('refuses a correctly signed body whose timestamp is older than ten minutes', async () => {
    const { claim } = claims();
    const body = mailgunBody(KEY, delivered, NOW_S - 601);
    expect(await verifyMailgunSignature({ signingKey: KEY, body, now: NOW, claimToken: claim })).toMatchObject({ code: 'ESP_STALE_SIGNATURE' });
  });

  it('refuses the same signed request the second time: a replayed token', async () => {
    const { claim } = claims();
    const body = mailgunBody(KEY, delivered, NOW_S);
    expect(await verifyMailgunSignature({ signingKey: KEY, body, now: NOW, claimToken: claim })).toEqual({ ok: true });
    expect(await verifyMailgunSignature({ signingKey: KEY, body, now: NOW + 1000, claimToken: claim })).toMatchObject({
      ok: false,
      code: 'ESP_REPLAYED',
      status: 401,
    });
  });

  it('keeps a token until its signature would be stale anyway', async () => {
    let expiry = 0;
    const body = mailgunBody(KEY, delivered, NOW_S);
    await verifyMailgunSignature({ signingKey: KEY, body, now: NOW, claimToken: async (_t, at) => ((expiry = at), true) });
    expect(expiry).toBe(NOW + 600_000);
  });

  it('refuses a body without a signature object or with a non-hex signature', async () => {
    const { claim } = claims();
    expect(await verifyMailgunSignature({ signingKey: KEY, body: { 'event-data': delivered }, now: NOW, claimToken: claim })).toMatchObject({
      code: 'ESP_MISSING_SIGNATURE',
    });
    const body = { signature: { timestamp: String(NOW_S), token: 't'.repeat(50), signature: 'zz' }, 'event-data': delivered };
    expect(await verifyMailgunSignature({ signingKey: KEY, body, now: NOW, claimToken: claim })).toMatchObject({ code: 'ESP_BAD_SIGNATURE' });
  });
});

describe('mapMailgunEvent', () => {
  const map = (data: Record<string, unknown>) => mapMailgunEvent({ signature: {}, 'event-data': { ...delivered, ...data } })!;

  it('maps delivered with its id, time, address and message id', () => {
    expect(map({}).events).toEqual([
      {
        provider: 'mailgun',
        name: 'Email Delivered',
        providerEventId: 'CPgfbmQMTCKtHW6uIWtuVe',
        email: 'alice@example.com',
        timestamp: 1521472262908,
        providerEvent: 'delivered',
        properties: { message_id: '20130503182626.18666.16540@sandbox.mailgun.org', tags: ['my_tag_1', 'my_tag_2'] },
      },
    ]);
  });

  it('maps opened, clicked with its url, complained and unsubscribed', () => {
    expect(map({ event: 'opened' }).events[0]!.name).toBe('Email Opened');
    expect(map({ event: 'clicked', url: 'https://example.com/x' }).events[0]).toMatchObject({
      name: 'Email Link Clicked',
      properties: { url: 'https://example.com/x' },
    });
    expect(map({ event: 'complained' }).events[0]!.name).toBe('Email Marked as Spam');
    expect(map({ event: 'unsubscribed' }).events[0]!.name).toBe('Unsubscribed');
  });

  it('maps a permanent failure to a hard bounce, a temporary one to a soft bounce, and a suppressed send to a drop', () => {
    const status = { 'delivery-status': { code: 550, message: '5.1.1 The email account does not exist', description: '' } };
    expect(map({ event: 'failed', severity: 'permanent', reason: 'bounce', ...status }).events[0]).toMatchObject({
      name: 'Email Bounced',
      providerEvent: 'failed-permanent',
      properties: { bounce_type: 'hard', diagnostic: '5.1.1 The email account does not exist' },
    });
    expect(map({ event: 'failed', severity: 'temporary', reason: 'generic' }).events[0]).toMatchObject({
      name: 'Email Bounced',
      properties: { bounce_type: 'soft' },
    });
    expect(map({ event: 'failed', severity: 'permanent', reason: 'suppress-bounce' }).events[0]!.name).toBe('Email Dropped');
  });

  it('ignores events outside the vocabulary and refuses a body without event-data', () => {
    expect(map({ event: 'accepted' })).toMatchObject({ events: [], ignored: 1 });
    expect(mapMailgunEvent({ signature: {} })).toBeUndefined();
  });
});
