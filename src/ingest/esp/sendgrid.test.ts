import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mapSendgridEvents, parseSendgridPublicKey, verifySendgridSignature } from './sendgrid.js';
import { generateSendgridKeyPair, sendgridEvent, signSendgridRequest } from './testing.js';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const keys = generateSendgridKeyPair();

/** Events as SendGrid's Event Webhook reference shows them (one of each type). */
const documented = [
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'processed', category: 'cat facts', sg_event_id: 'rbtnWrG1DVDGGGFHFyun0A==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000' },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'deferred', category: 'cat facts', sg_event_id: 't7LEShmowp86DTdUW8M-GQ==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000', response: '400 try again later', attempt: '5' },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'delivered', category: 'cat facts', sg_event_id: 'rWVYmVk90MjZJ9iohOBa3w==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000', response: '250 OK' },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'open', sg_machine_open: false, category: 'cat facts', sg_event_id: 'FOTFFO0ecsBE-zxFXfs6WA==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000', useragent: 'Mozilla/4.0 (compatible; MSIE 6.1; Windows XP; .NET CLR 1.1.4322; .NET CLR 2.0.50727)', ip: '255.255.255.255' },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'click', category: 'cat facts', sg_event_id: 'kCAi1KttyQdEKHhdC-nuEA==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000', useragent: 'Mozilla/4.0', ip: '255.255.255.255', url: 'http://www.sendgrid.com/' },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'bounce', category: 'cat facts', sg_event_id: '6g4ZI7SA-xmRDv57GoPIPw==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000', reason: '500 unknown recipient', status: '5.0.0', type: 'bounce', bounce_classification: 'Invalid Address' },
  { email: 'example@test.com', timestamp: 1513299569, event: 'bounce', sg_event_id: 'blocked-1', sg_message_id: 'm', reason: '421 try later', status: '4.0.0', type: 'blocked', bounce_classification: 'Reputation' },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'dropped', category: 'cat facts', sg_event_id: 'zmzJhfJgAfUSOW80yEbPyw==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000', reason: 'Bounced Address', status: '5.0.0' },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'spamreport', category: 'cat facts', sg_event_id: '37nvH5QBz858KGVYCM4uOA==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000' },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'unsubscribe', category: 'cat facts', sg_event_id: 'Kb9WbrGVk8yYUJDG3yKg-w==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000' },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'group_unsubscribe', category: 'cat facts', sg_event_id: 'ahSCB7xYcXFb-hEaawsPRw==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000', useragent: 'Mozilla/4.0', ip: '255.255.255.255', url: 'http://www.sendgrid.com/', asm_group_id: 10 },
  { email: 'example@test.com', timestamp: 1513299569, 'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>', event: 'group_resubscribe', category: 'cat facts', sg_event_id: 'w_u0vJhLT-OFfprar5N93g==', sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.000000000000000000000', useragent: 'Mozilla/4.0', ip: '255.255.255.255', url: 'http://www.sendgrid.com/', asm_group_id: 10 },
];

function check(signed: { body: string; headers: Record<string, string> }, overrides: { body?: string; now?: number; publicKey?: string } = {}) {
  return verifySendgridSignature({
    publicKey: overrides.publicKey ?? keys.publicKey,
    signature: signed.headers['x-twilio-email-event-webhook-signature'],
    timestamp: signed.headers['x-twilio-email-event-webhook-timestamp'],
    rawBody: Buffer.from(overrides.body ?? signed.body),
    now: overrides.now ?? NOW,
  });
}

describe('verifySendgridSignature', () => {
  it('accepts a body signed with the configured key at the current time', () => {
    expect(check(signSendgridRequest(keys.privateKey, documented, NOW_S))).toEqual({ ok: true });
  });

  it('refuses a body changed after signing, even by one byte', () => {
    const signed = signSendgridRequest(keys.privateKey, documented, NOW_S);
    const tampered = signed.body.replace('example@test.com', 'exbmple@test.com');
    expect(check(signed, { body: tampered })).toMatchObject({ ok: false, code: 'ESP_BAD_SIGNATURE', status: 401 });
  });

  it('refuses a signature made with another key', () => {
    const other = generateSendgridKeyPair();
    expect(check(signSendgridRequest(other.privateKey, documented, NOW_S))).toMatchObject({ code: 'ESP_BAD_SIGNATURE' });
  });

  it('refuses a valid signature whose timestamp is more than ten minutes old, and accepts one just inside', () => {
    const old = signSendgridRequest(keys.privateKey, documented, NOW_S - 601);
    const recent = signSendgridRequest(keys.privateKey, documented, NOW_S - 599);
    expect(check(old)).toMatchObject({ ok: false, code: 'ESP_STALE_SIGNATURE', status: 401 });
    expect(check(recent)).toEqual({ ok: true });
  });

  it('refuses a request whose timestamp header was changed to look fresh', () => {
    const old = signSendgridRequest(keys.privateKey, documented, NOW_S - 3600);
    const forged = { ...old, headers: { ...old.headers, 'x-twilio-email-event-webhook-timestamp': String(NOW_S) } };
    expect(check(forged)).toMatchObject({ code: 'ESP_BAD_SIGNATURE' });
  });

  it('refuses a request without the signature headers', () => {
    expect(check({ body: '[]', headers: {} })).toMatchObject({ code: 'ESP_MISSING_SIGNATURE', status: 401 });
  });

  it('accepts the public key as base64 SPKI or as a PEM block, and rejects keys on other curves', () => {
    const pem = `-----BEGIN PUBLIC KEY-----\n${keys.publicKey}\n-----END PUBLIC KEY-----`;
    expect(parseSendgridPublicKey(keys.publicKey)).toBeDefined();
    expect(parseSendgridPublicKey(pem)).toBeDefined();
    expect(parseSendgridPublicKey('bm90IGEga2V5')).toBeUndefined();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'der', type: 'spki' });
    expect(parseSendgridPublicKey(p384.toString('base64'))).toBeUndefined();
  });
});

describe('mapSendgridEvents', () => {
  it('maps every documented event type to the vocabulary and ignores processed', () => {
    const mapped = mapSendgridEvents(documented)!;
    expect(mapped.ignored).toBe(1);
    expect(mapped.events.map((e) => [e.name, e.properties.bounce_type])).toEqual([
      ['Email Deferred', undefined],
      ['Email Delivered', undefined],
      ['Email Opened', undefined],
      ['Email Link Clicked', undefined],
      ['Email Bounced', 'hard'],
      ['Email Bounced', 'soft'],
      ['Email Dropped', undefined],
      ['Email Marked as Spam', undefined],
      ['Unsubscribed', undefined],
      ['Group Unsubscribed', undefined],
      ['Group Resubscribed', undefined],
    ]);
  });

  it('keeps the event id, time, message id, url, reason and group', () => {
    const events = mapSendgridEvents(documented)!.events;
    const click = events.find((e) => e.name === 'Email Link Clicked')!;
    expect(click).toMatchObject({
      providerEventId: 'kCAi1KttyQdEKHhdC-nuEA==',
      timestamp: 1513299569000,
      email: 'example@test.com',
      properties: { url: 'http://www.sendgrid.com/', message_id: expect.stringMatching(/^14c5d75ce93/) },
    });
    expect(events.find((e) => e.providerEvent === 'bounce')!.properties).toMatchObject({ diagnostic: '500 unknown recipient' });
    expect(events.find((e) => e.name === 'Group Unsubscribed')!.properties).toMatchObject({ group_id: '10' });
  });

  it('skips items without an address or event id, and refuses a body that is not an array', () => {
    const mapped = mapSendgridEvents([sendgridEvent('open', '', NOW_S), { event: 'open', email: 'a@b.c' }, 7])!;
    expect(mapped).toMatchObject({ events: [], ignored: 3 });
    expect(mapSendgridEvents({ event: 'open' })).toBeUndefined();
  });
});
