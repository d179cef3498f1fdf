import { describe, expect, it } from 'vitest';
import { mapPostmarkEvent, verifyPostmarkAuth } from './postmark.js';
import { postmarkAuthorization } from './testing.js';

const CREDENTIALS = 'segflow:7c1f0b-correct-horse';

/** Payloads as Postmark's webhook documentation shows them. */
const delivery = {
  MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
  Recipient: 'john@example.com',
  DeliveredAt: '2019-11-05T16:33:54.9070259Z',
  Details: 'Test delivery webhook details',
  Tag: 'welcome-email',
  ServerID: 23,
  Metadata: { a_key: 'a_value', b_key: 'b_value' },
  RecordType: 'Delivery',
  MessageStream: 'outbound',
};
const open = {
  RecordType: 'Open',
  MessageStream: 'outbound',
  Metadata: { example: 'value' },
  FirstOpen: true,
  Client: { Name: 'Chrome 35.0.1916.153', Company: 'Google', Family: 'Chrome' },
  OS: { Name: 'OS X 10.7 Lion', Company: 'Apple Computer, Inc.', Family: 'OS X 10' },
  Platform: 'WebMail',
  UserAgent: 'Mozilla/5.0',
  Geo: { CountryISOCode: 'RS', Country: 'Serbia', City: 'Novi Sad', IP: '188.2.95.4' },
  MessageID: '00000000-0000-0000-0000-000000000000',
  ReceivedAt: '2019-11-05T16:33:54.9070259Z',
  Tag: 'welcome-email',
  Recipient: 'john@example.com',
};
const click = {
  RecordType: 'Click',
  MessageStream: 'outbound',
  ClickLocation: 'HTML',
  Client: { Name: 'Chrome 35.0.1916.153', Company: 'Google', Family: 'Chrome' },
  Platform: 'Desktop',
  UserAgent: 'Mozilla/5.0',
  OriginalLink: 'https://example.com',
  MessageID: '00000000-0000-0000-0000-000000000000',
  ReceivedAt: '2017-10-25T15:21:11.0000000Z',
  Tag: 'welcome-email',
  Recipient: 'john@example.com',
};
const bounce = {
  RecordType: 'Bounce',
  MessageStream: 'outbound',
  // As Postmark documents it; JSON.parse rounds it, exactly as when the real body is parsed.
  ID: JSON.parse('4323372036854775807') as number,
  Type: 'HardBounce',
  TypeCode: 1,
  Name: 'Hard bounce',
  Tag: 'Invitation',
  MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
  ServerID: 23,
  Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
  Details: 'Test bounce details',
  Email: 'john@example.com',
  From: 'sender@example.com',
  BouncedAt: '2019-11-05T16:33:54.9070259Z',
  DumpAvailable: true,
  Inactive: true,
  CanActivate: true,
  Subject: 'Test subject',
};
const spam = { ...bounce, RecordType: 'SpamComplaint', ID: 42, Type: 'SpamComplaint', TypeCode: 512, Name: 'Spam complaint' };
const subscriptionChange = {
  RecordType: 'SubscriptionChange',
  MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
  ServerID: 123456,
  MessageStream: 'outbound',
  ChangedAt: '2020-02-01T10:53:34.416071Z',
  Recipient: 'bounced-address@wildbit.com',
  Origin: 'Recipient',
  SuppressSending: true,
  SuppressionReason: 'HardBounce',
  Tag: 'my-tag',
  Metadata: { example: 'value' },
};

describe('verifyPostmarkAuth', () => {
  it('accepts the configured basic auth credentials', () => {
    expect(verifyPostmarkAuth(postmarkAuthorization(CREDENTIALS), CREDENTIALS)).toEqual({ ok: true });
  });

  it('refuses other credentials, a prefix of the right ones, and a request without any', () => {
    expect(verifyPostmarkAuth(postmarkAuthorization('segflow:wrong'), CREDENTIALS)).toMatchObject({ code: 'ESP_BAD_CREDENTIALS', status: 401 });
    expect(verifyPostmarkAuth(postmarkAuthorization('segflow:7c1f0b'), CREDENTIALS)).toMatchObject({ code: 'ESP_BAD_CREDENTIALS' });
    expect(verifyPostmarkAuth(undefined, CREDENTIALS)).toMatchObject({ code: 'ESP_MISSING_SIGNATURE', status: 401 });
    expect(verifyPostmarkAuth('Bearer abc', CREDENTIALS)).toMatchObject({ code: 'ESP_MISSING_SIGNATURE' });
  });
});

describe('mapPostmarkEvent', () => {
  const one = (body: unknown) => mapPostmarkEvent(body)!.events[0]!;

  it('maps Delivery, Open and Click with their recipient, time and link', () => {
    expect(one(delivery)).toMatchObject({
      name: 'Email Delivered',
      email: 'john@example.com',
      timestamp: Date.parse('2019-11-05T16:33:54.907Z'),
      properties: { message_id: '883953f4-6105-42a2-a16a-77a8eac79483', tag: 'welcome-email', metadata: { a_key: 'a_value' } },
    });
    expect(one(open).name).toBe('Email Opened');
    expect(one(click)).toMatchObject({ name: 'Email Link Clicked', properties: { url: 'https://example.com' } });
  });

  it('maps a HardBounce to a hard bounce, and a SoftBounce to a soft one', () => {
    expect(one(bounce)).toMatchObject({
      name: 'Email Bounced',
      providerEvent: 'HardBounce',
      properties: { bounce_type: 'hard', diagnostic: 'Test bounce details' },
    });
    expect(one({ ...bounce, Type: 'SoftBounce', TypeCode: 4096 }).properties.bounce_type).toBe('soft');
  });

  it('keys a bounce by its ID when JSON keeps it exact, and by its coordinates when the ID exceeds 2^53', () => {
    expect(one({ ...bounce, ID: 692560173 }).providerEventId).toBe('Bounce:692560173');
    const big = one(bounce).providerEventId;
    expect(big).toBe('Bounce:883953f4-6105-42a2-a16a-77a8eac79483:john@example.com:2019-11-05T16:33:54.9070259Z:HardBounce');
    expect(one({ ...bounce, ID: JSON.parse('4323372036854775808') as number }).providerEventId).toBe(big);
    expect(one({ ...bounce, BouncedAt: '2019-11-06T00:00:00Z' }).providerEventId).not.toBe(big);
  });

  it('maps SpamComplaint to Email Marked as Spam and ignores auto-responders', () => {
    expect(one(spam)).toMatchObject({ name: 'Email Marked as Spam', providerEventId: 'SpamComplaint:42' });
    expect(mapPostmarkEvent({ ...bounce, Type: 'AutoResponder', TypeCode: 2 })).toMatchObject({ events: [], ignored: 1 });
  });

  it('maps a SubscriptionChange by its suppression reason, and a reactivation to Resubscribed', () => {
    expect(one(subscriptionChange)).toMatchObject({ name: 'Email Bounced', email: 'bounced-address@wildbit.com', properties: { bounce_type: 'hard' } });
    expect(one({ ...subscriptionChange, SuppressionReason: 'ManualSuppression' }).name).toBe('Unsubscribed');
    expect(one({ ...subscriptionChange, SuppressionReason: 'SpamComplaint' }).name).toBe('Email Marked as Spam');
    expect(one({ ...subscriptionChange, SuppressSending: false, SuppressionReason: null })).toMatchObject({
      name: 'Resubscribed',
      providerEvent: 'SubscriptionChange-reactivated',
    });
  });

  it('gives a retried record the same id and a different record another', () => {
    expect(one(open).providerEventId).toBe(one({ ...open }).providerEventId);
    expect(one(open).providerEventId).not.toBe(one({ ...open, ReceivedAt: '2019-11-05T16:34:00Z' }).providerEventId);
  });

  it('refuses a body without RecordType and skips one without a recipient', () => {
    expect(mapPostmarkEvent({ Recipient: 'a@b.c' })).toBeUndefined();
    expect(mapPostmarkEvent({ ...delivery, Recipient: undefined })).toMatchObject({ events: [], ignored: 1 });
  });
});
