import { describe, expect, it } from 'vitest';
import { mapSesNotification } from './ses.js';
import type { SnsMessage } from './sns-signature.js';

const mail = {
  timestamp: '2017-08-05T00:40:02.012Z',
  source: 'Sender Name <sender@example.com>',
  sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/sender@example.com',
  sendingAccountId: '123456789012',
  messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
  destination: ['recipient@example.com'],
  headersTruncated: false,
  tags: { 'ses:configuration-set': ['ConfigSet'], campaign_id: ['spring-sale'] },
};

/** SES event-publishing records as AWS's "Examples of event data" page shows them. */
const records: Record<string, unknown> = {
  bounce: {
    eventType: 'Bounce',
    bounce: {
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: [{ emailAddress: 'recipient@example.com', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
      timestamp: '2017-08-05T00:41:02.669Z',
      feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
      reportingMTA: 'dsn; mta.example.com',
    },
    mail,
  },
  transient: {
    eventType: 'Bounce',
    bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull', bouncedRecipients: [{ emailAddress: 'recipient@example.com' }], timestamp: '2017-08-05T00:41:02.669Z' },
    mail,
  },
  complaint: {
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: 'recipient@example.com' }],
      timestamp: '2017-08-05T00:41:02.669Z',
      feedbackId: '01000157c44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000',
      userAgent: 'Mozilla/5.0',
      complaintFeedbackType: 'abuse',
      arrivalDate: '2017-08-05T00:41:02.669Z',
    },
    mail,
  },
  delivery: {
    eventType: 'Delivery',
    mail,
    delivery: {
      timestamp: '2016-10-19T23:21:04.133Z',
      processingTimeMillis: 11893,
      recipients: ['recipient@example.com'],
      smtpResponse: '250 2.6.0 Message received',
      reportingMTA: 'mta.example.com',
    },
  },
  open: { eventType: 'Open', mail, open: { ipAddress: '192.0.2.1', timestamp: '2017-08-09T22:00:19.652Z', userAgent: 'Mozilla/5.0' } },
  click: {
    eventType: 'Click',
    click: { ipAddress: '192.0.2.1', link: 'http://docs.aws.amazon.com/ses/latest/DeveloperGuide/send-email-smtp.html', linkTags: { samplekey0: ['samplevalue0'] }, timestamp: '2017-08-09T23:51:25.570Z', userAgent: 'Mozilla/5.0' },
    mail,
  },
  reject: { eventType: 'Reject', mail, reject: { reason: 'Bad content' } },
  delay: {
    eventType: 'DeliveryDelay',
    mail,
    deliveryDelay: { timestamp: '2020-06-16T00:15:40.641Z', delayType: 'TransientCommunicationFailure', expirationTime: '2020-06-16T00:25:40.914Z', delayedRecipients: [{ emailAddress: 'recipient@example.com', status: '4.4.1', diagnosticCode: 'smtp; 421 4.4.1 Unable to connect' }] },
  },
  send: { eventType: 'Send', mail, send: {} },
  /** The older "notification" format uses notificationType. */
  notificationBounce: {
    notificationType: 'Bounce',
    bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Recipient@Example.com' }, { emailAddress: 'other@example.com' }], timestamp: '2016-01-27T14:59:38.237Z' },
    mail,
  },
};

function sns(message: unknown, id = 'b7f4a0a5-1b7f-5ad4-a0f0-3a5d3c7f0a11'): SnsMessage {
  return {
    Type: 'Notification',
    MessageId: id,
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-events',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: '2017-08-05T00:41:03.000Z',
    SignatureVersion: '2',
    Signature: '',
    SigningCertURL: '',
  };
}

const first = (name: string) => mapSesNotification(sns(records[name]))!.events[0]!;

describe('mapSesNotification', () => {
  it('maps a Permanent bounce to a hard bounce and a Transient one to a soft bounce', () => {
    expect(first('bounce')).toMatchObject({
      provider: 'ses',
      name: 'Email Bounced',
      email: 'recipient@example.com',
      timestamp: Date.parse('2017-08-05T00:41:02.669Z'),
      providerEvent: 'Bounce',
      properties: {
        bounce_type: 'hard',
        bounce_subtype: 'General',
        diagnostic: 'smtp; 550 5.1.1 user unknown',
        message_id: mail.messageId,
        campaign_id: 'spring-sale',
      },
    });
    expect(first('transient').properties.bounce_type).toBe('soft');
  });

  it('maps Complaint, Delivery, Open, Click, Reject and DeliveryDelay', () => {
    expect(first('complaint')).toMatchObject({ name: 'Email Marked as Spam', properties: { feedback_type: 'abuse' } });
    expect(first('delivery')).toMatchObject({ name: 'Email Delivered', timestamp: Date.parse('2016-10-19T23:21:04.133Z') });
    expect(first('open')).toMatchObject({ name: 'Email Opened', email: 'recipient@example.com' });
    expect(first('click')).toMatchObject({ name: 'Email Link Clicked', properties: { url: 'http://docs.aws.amazon.com/ses/latest/DeveloperGuide/send-email-smtp.html' } });
    expect(first('reject')).toMatchObject({ name: 'Email Dropped', timestamp: Date.parse(mail.timestamp) });
    expect(first('delay')).toMatchObject({ name: 'Email Deferred', properties: { delay_type: 'TransientCommunicationFailure' } });
  });

  it('reads the notification format and emits one event per recipient, keyed by SNS MessageId and address', () => {
    const events = mapSesNotification(sns(records.notificationBounce, 'msg-1'))!.events;
    expect(events.map((e) => [e.email, e.providerEventId, e.properties.bounce_type])).toEqual([
      ['recipient@example.com', 'msg-1:recipient@example.com', 'hard'],
      ['other@example.com', 'msg-1:other@example.com', 'hard'],
    ]);
  });

  it('ignores Send events and refuses a Message that is not an SES event', () => {
    expect(mapSesNotification(sns(records.send))).toMatchObject({ events: [], ignored: 1 });
    expect(mapSesNotification(sns('plain text'))).toBeUndefined();
    expect(mapSesNotification(sns({ hello: 1 }))).toBeUndefined();
  });
});
