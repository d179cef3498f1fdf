import { createHmac, timingSafeEqual } from 'node:crypto';
import type { JsonObject } from '../../core/index.js';
import type { EspEvent, EspEventName, MappedEvents } from './esp-event.js';
import { ignoredFor } from './esp-event.js';
import { objectField, textField } from './json-fields.js';
import { espProblem, verified, type VerifyResult } from './verify-result.js';

/** The `signature` object of a Mailgun webhook body. */
export interface MailgunSignature {
  readonly timestamp: string;
  readonly token: string;
  readonly signature: string;
}

/** Claims a token once: true the first time, false when it was already seen (a replay). */
export type TokenClaim = (token: string, expiresAt: number) => Promise<boolean>;

/** What {@link verifyMailgunSignature} needs. */
export interface MailgunVerifyInput {
  /** The HTTP webhook signing key from Mailgun's console (not the API key). */
  readonly signingKey: string;
  readonly body: unknown;
  /** Current time in epoch ms, from the Clock. */
  readonly now: number;
  /** Remembers tokens durably; see {@link ReplayTokenRepo}. */
  readonly claimToken: TokenClaim;
  /** How far the signed timestamp may lie from `now`. Default 10 minutes. */
  readonly toleranceMs?: number;
}

/** Extracts the `signature` object of a Mailgun JSON body, if well-formed. */
export function mailgunSignatureOf(body: unknown): MailgunSignature | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const sig = (body as Record<string, unknown>).signature;
  if (sig === null || typeof sig !== 'object') return undefined;
  const { timestamp, token, signature } = sig as Record<string, unknown>;
  const ts = typeof timestamp === 'number' ? String(timestamp) : timestamp;
  if (typeof ts !== 'string' || typeof token !== 'string' || typeof signature !== 'string') return undefined;
  return { timestamp: ts, token, signature };
}

/** Hex HMAC-SHA256 of `timestamp + token` with the signing key, as Mailgun computes it. */
export function mailgunSignatureHex(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey).update(timestamp + token, 'utf8').digest('hex');
}

/**
 * Verifies a Mailgun webhook as Mailgun documents it: HMAC-SHA256(signing key, timestamp + token), hex,
 * compared in constant time; the timestamp must lie within the tolerance of `now`; and the token must not
 * have been seen before (it is remembered until the timestamp leaves the window, after which the staleness
 * check refuses the request anyway). The token is claimed only after the signature checks out, so forged
 * requests cannot burn real tokens.
 */
export async function verifyMailgunSignature(input: MailgunVerifyInput): Promise<VerifyResult> {
  const sig = mailgunSignatureOf(input.body);
  if (!sig) return espProblem('ESP_MISSING_SIGNATURE', 401, 'The Mailgun body has no signature {timestamp, token, signature}.');
  if (!/^\d{1,12}$/.test(sig.timestamp) || sig.token.length === 0 || sig.token.length > 256) {
    return espProblem('ESP_BAD_SIGNATURE', 401, 'The Mailgun signature fields are malformed.');
  }
  const expected = Buffer.from(mailgunSignatureHex(input.signingKey, sig.timestamp, sig.token), 'hex');
  // The format check leaks nothing about the key; the comparison of the bytes is constant-time.
  if (!/^[0-9a-f]{64}$/i.test(sig.signature) || !timingSafeEqual(expected, Buffer.from(sig.signature, 'hex'))) {
    return espProblem('ESP_BAD_SIGNATURE', 401, 'The Mailgun signature does not match.');
  }
  const tolerance = input.toleranceMs ?? 10 * 60_000;
  const signedAt = Number(sig.timestamp) * 1000;
  if (Math.abs(input.now - signedAt) > tolerance) {
    return espProblem('ESP_STALE_SIGNATURE', 401, 'The Mailgun signature timestamp is outside the accepted window.');
  }
  const fresh = await input.claimToken(sig.token, Math.max(signedAt, input.now) + tolerance);
  if (!fresh) return espProblem('ESP_REPLAYED', 401, 'This Mailgun token was already used.');
  return verified;
}

/**
 * Maps the `event-data` of a Mailgun webhook body (one event per request): delivered → Email Delivered;
 * opened → Email Opened; clicked → Email Link Clicked (url); failed with severity `permanent` → Email Bounced
 * hard, or Email Dropped when Mailgun did not even try because the address is on a suppression list
 * (`reason` `suppress-*`); failed `temporary` → Email Bounced soft; complained → Email Marked as Spam;
 * unsubscribed → Unsubscribed. Others (accepted, …) are ignored. Undefined when there is no `event-data`.
 */
export function mapMailgunEvent(body: unknown): MappedEvents | undefined {
  const data = objectField(objectField(body)['event-data']);
  if (Object.keys(data).length === 0) return undefined;
  const type = textField(data.event);
  const id = textField(data.id);
  const email = textField(data.recipient);
  const seconds = typeof data.timestamp === 'number' ? data.timestamp : Number(data.timestamp);
  // An event without an id cannot be deduplicated (Mailgun retries): it is dropped, counted and logged by reason.
  if (!id) return ignoredFor('missing_event_id');
  if (!type) return ignoredFor('missing_event_type');
  if (!email) return ignoredFor('missing_recipient');
  if (!Number.isFinite(seconds)) return ignoredFor('bad_timestamp');
  const props: Record<string, unknown> = {};
  const messageId = textField(objectField(objectField(data.message).headers)['message-id']);
  if (messageId) props.message_id = messageId;
  if (Array.isArray(data.campaigns) && data.campaigns.length > 0) {
    const campaign = objectField(data.campaigns[0]);
    if (textField(campaign.id)) props.campaign_id = textField(campaign.id);
    if (textField(campaign.name)) props.campaign_name = textField(campaign.name);
  }
  if (Array.isArray(data.tags) && data.tags.length > 0) props.tags = data.tags.filter((t) => typeof t === 'string');
  let name: EspEventName;
  switch (type) {
    case 'delivered':
      name = 'Email Delivered';
      break;
    case 'opened':
      name = 'Email Opened';
      break;
    case 'clicked':
      name = 'Email Link Clicked';
      if (textField(data.url)) props.url = textField(data.url);
      break;
    case 'failed': {
      const reason = textField(data.reason) ?? '';
      const status = objectField(data['delivery-status']);
      const diagnostic = textField(status.description) ?? textField(status.message);
      if (diagnostic) props.diagnostic = diagnostic;
      if (reason) props.failure_reason = reason;
      if (data.severity === 'permanent' && reason.startsWith('suppress-')) {
        name = 'Email Dropped';
      } else {
        name = 'Email Bounced';
        props.bounce_type = data.severity === 'permanent' ? 'hard' : 'soft';
      }
      break;
    }
    case 'complained':
      name = 'Email Marked as Spam';
      break;
    case 'unsubscribed':
      name = 'Unsubscribed';
      break;
    default:
      return ignoredFor('event_type_not_mapped');
  }
  const event: EspEvent = {
    provider: 'mailgun',
    name,
    providerEventId: id,
    email,
    timestamp: Math.round(seconds * 1000),
    providerEvent: type === 'failed' ? `failed-${textField(data.severity) ?? 'unknown'}` : type,
    properties: props as JsonObject,
  };
  return { events: [event], ignored: 0 };
}
