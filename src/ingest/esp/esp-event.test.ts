import { describe, expect, it } from 'vitest';
import { validateMessage } from '../validate.js';
import { isEspProvider, toTrackMessage, type EspEvent } from './esp-event.js';

const event: EspEvent = {
  provider: 'sendgrid',
  name: 'Email Bounced',
  providerEventId: 'rbtnWrG1DVDGGGFHFyun0A==',
  email: '  Ada@Example.COM ',
  timestamp: Date.UTC(2026, 5, 1, 12),
  providerEvent: 'bounce',
  properties: { bounce_type: 'hard', diagnostic: '550 5.1.1 unknown user' },
};

describe('toTrackMessage', () => {
  it('builds a Segment track identified by the normalised email, with the dedupe id and event time', () => {
    expect(toTrackMessage(event)).toEqual({
      type: 'track',
      event: 'Email Bounced',
      anonymousId: 'email:ada@example.com',
      messageId: 'sendgrid:rbtnWrG1DVDGGGFHFyun0A==',
      timestamp: '2026-06-01T12:00:00.000Z',
      context: { traits: { email: 'ada@example.com' }, library: { name: 'segflow-esp-sendgrid' } },
      properties: {
        bounce_type: 'hard',
        diagnostic: '550 5.1.1 unknown user',
        email: 'ada@example.com',
        provider: 'sendgrid',
        provider_event: 'bounce',
        reason: 'sendgrid:bounce',
      },
    });
  });

  it('produces messages the ingestion validator accepts as track calls', () => {
    const result = validateMessage(toTrackMessage(event), undefined);
    expect(result).toMatchObject({ ok: true, message: { type: 'track', name: 'Email Bounced', anonymousId: 'email:ada@example.com' } });
  });

  it('drops an event whose address is not an email or whose time is not a number', () => {
    expect(toTrackMessage({ ...event, email: 'not an email' })).toBeUndefined();
    expect(toTrackMessage({ ...event, timestamp: Number.NaN })).toBeUndefined();
  });

  it('does not let provider properties override the fields segflow sets', () => {
    const message = toTrackMessage({ ...event, properties: { email: 'eve@evil.example', provider: 'x', reason: 'y' } })!;
    expect(message.properties).toMatchObject({ email: 'ada@example.com', provider: 'sendgrid', reason: 'sendgrid:bounce' });
  });
});

describe('isEspProvider', () => {
  it('recognises exactly the four providers', () => {
    expect(['sendgrid', 'mailgun', 'postmark', 'ses', 'mandrill', ''].map(isEspProvider)).toEqual([true, true, true, true, false, false]);
  });
});
