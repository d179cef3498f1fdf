import { createHash, timingSafeEqual } from 'node:crypto';
import type { JsonObject } from '../../core/index.js';
import type { EspEvent, EspEventName, MappedEvents } from './esp-event.js';
import { ignoredFor } from './esp-event.js';
import { textField } from './json-fields.js';
import { espProblem, verified, type VerifyResult } from './verify-result.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Checks the HTTP Basic credentials Postmark sends (Postmark signs nothing; its documented protection is basic
 * auth in the webhook URL, `https://user:password@host/…`, over HTTPS). `credentials` is the configured
 * `user:password`. Both sides are hashed before a constant-time comparison, so neither the length nor the
 * content of the secret leaks through timing.
 */
export function verifyPostmarkAuth(authorization: string | undefined, credentials: string): VerifyResult {
  if (authorization === undefined || !/^basic\s+/i.test(authorization)) {
    return espProblem('ESP_MISSING_SIGNATURE', 401, 'The Postmark request carries no basic auth credentials.');
  }
  const given = Buffer.from(authorization.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
  if (!timingSafeEqual(digest(given), digest(credentials))) {
    return espProblem('ESP_BAD_CREDENTIALS', 401, 'The Postmark basic auth credentials do not match.');
  }
  return verified;
}

/** Postmark bounce `Type`s that mean the address is permanently undeliverable. */
const HARD_BOUNCE_TYPES = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']);
/** Postmark bounce `Type`s that are a temporary failure worth recording. */
const SOFT_BOUNCE_TYPES = new Set(['SoftBounce', 'Transient', 'DnsError', 'Blocked', 'Unknown', 'SMTPApiError', 'DMARCPolicy']);

/**
 * Maps one Postmark webhook body (one record per request) by `RecordType`: Delivery → Email Delivered; Open →
 * Email Opened; Click → Email Link Clicked (`OriginalLink`); Bounce → Email Bounced hard for `HardBounce`,
 * `BadEmailAddress`, `ManuallyDeactivated`, soft for `SoftBounce`, `Transient`, `DnsError`, `Blocked`, …,
 * Email Marked as Spam for `SpamComplaint`, Unsubscribed for `Unsubscribe` (auto-responders and the like are
 * ignored); SpamComplaint → Email Marked as Spam; SubscriptionChange with `SuppressSending: true` →
 * Unsubscribed (or Email Bounced hard / Email Marked as Spam when `SuppressionReason` says so), with
 * `SuppressSending: false` (reactivated) → Resubscribed.
 *
 * Postmark has no event id for every record type: Bounce and SpamComplaint carry `ID` (used when it survives
 * JSON parsing exactly); the others are keyed by record type, `MessageID`, recipient and the record's own
 * time, which is what a retry repeats.
 */
export function mapPostmarkEvent(body: unknown): MappedEvents | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const r = body as Record<string, unknown>;
  const recordType = textField(r.RecordType);
  if (!recordType) return undefined;
  const email = textField(r.Recipient) ?? textField(r.Email);
  const when = textField(r.DeliveredAt) ?? textField(r.ReceivedAt) ?? textField(r.BouncedAt) ?? textField(r.ChangedAt);
  const timestamp = when === undefined ? Number.NaN : Date.parse(when);
  const messageId = textField(r.MessageID);
  if (!email) return ignoredFor('missing_recipient');
  if (!Number.isFinite(timestamp)) return ignoredFor('bad_timestamp');
  const props: Record<string, unknown> = {};
  if (messageId) props.message_id = messageId;
  if (textField(r.Tag)) props.tag = textField(r.Tag);
  if (textField(r.MessageStream)) props.message_stream = textField(r.MessageStream);
  if (r.Metadata !== null && typeof r.Metadata === 'object' && !Array.isArray(r.Metadata)) props.metadata = r.Metadata;
  let name: EspEventName;
  let providerEvent = recordType;
  let id = `${recordType}:${messageId ?? '-'}:${email.toLowerCase()}:${when}`;
  switch (recordType) {
    case 'Delivery':
      name = 'Email Delivered';
      break;
    case 'Open':
      name = 'Email Opened';
      break;
    case 'Click':
      name = 'Email Link Clicked';
      if (textField(r.OriginalLink)) props.url = textField(r.OriginalLink);
      break;
    case 'Bounce':
    case 'SpamComplaint': {
      const type = textField(r.Type) ?? recordType;
      providerEvent = type;
      // Bounce IDs are 64-bit: past 2^53 JSON.parse rounds them, and two bounces could share an id. Such ids
      // are not used; the record's own coordinates (message, address, time, type) key it instead.
      if (typeof r.ID === 'number' && Number.isSafeInteger(r.ID)) id = `${recordType}:${r.ID}`;
      else if (typeof r.ID === 'string' && /^\d+$/.test(r.ID)) id = `${recordType}:${r.ID}`;
      else id = `${id}:${type}`;
      if (textField(r.Description) ?? textField(r.Details)) props.diagnostic = textField(r.Details) ?? textField(r.Description);
      if (recordType === 'SpamComplaint' || type === 'SpamComplaint') {
        name = 'Email Marked as Spam';
      } else if (type === 'Unsubscribe') {
        name = 'Unsubscribed';
      } else if (HARD_BOUNCE_TYPES.has(type)) {
        name = 'Email Bounced';
        props.bounce_type = 'hard';
      } else if (SOFT_BOUNCE_TYPES.has(type)) {
        name = 'Email Bounced';
        props.bounce_type = 'soft';
      } else {
        return ignoredFor('event_type_not_mapped');
      }
      break;
    }
    case 'SubscriptionChange': {
      const reason = textField(r.SuppressionReason);
      if (reason) props.suppression_reason = reason;
      if (textField(r.Origin)) props.origin = textField(r.Origin);
      if (r.SuppressSending === false) {
        name = 'Resubscribed';
        providerEvent = 'SubscriptionChange-reactivated';
      } else if (r.SuppressSending === true) {
        providerEvent = `SubscriptionChange-${reason ?? 'suppressed'}`;
        if (reason === 'HardBounce') {
          name = 'Email Bounced';
          props.bounce_type = 'hard';
        } else if (reason === 'SpamComplaint') {
          name = 'Email Marked as Spam';
        } else {
          name = 'Unsubscribed';
        }
      } else {
        return ignoredFor('event_type_not_mapped');
      }
      break;
    }
    default:
      return ignoredFor('event_type_not_mapped');
  }
  const event: EspEvent = {
    provider: 'postmark',
    name,
    providerEventId: id,
    email,
    timestamp,
    providerEvent,
    properties: props as JsonObject,
  };
  return { events: [event], ignored: 0 };
}
