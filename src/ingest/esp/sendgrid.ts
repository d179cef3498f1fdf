import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import type { JsonObject } from '../../core/index.js';
import type { EspEvent, EspEventName, MappedEvents } from './esp-event.js';
import { countReason } from './esp-event.js';
import { textField } from './json-fields.js';
import { espProblem, verified, type VerifyResult } from './verify-result.js';

/** Header carrying SendGrid's base64 DER ECDSA signature. */
export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
/** Header carrying the Unix-seconds timestamp that is signed together with the body. */
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** What {@link verifySendgridSignature} needs. */
export interface SendgridVerifyInput {
  /** The verification key as SendGrid's console shows it: base64 SPKI DER (a PEM block is accepted too). */
  readonly publicKey: string;
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly rawBody: Buffer;
  /** Current time in epoch ms, from the Clock. */
  readonly now: number;
  /** How far the signed timestamp may lie from `now`, either way. Default 10 minutes. */
  readonly toleranceMs?: number;
}

/** Parses SendGrid's public key (base64 SPKI DER, or PEM). Undefined when it is not an EC P-256 key. */
export function parseSendgridPublicKey(publicKey: string): KeyObject | undefined {
  try {
    const trimmed = publicKey.trim();
    const key = trimmed.includes('BEGIN PUBLIC KEY')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return undefined;
    return key;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a SendGrid Signed Event Webhook request as SendGrid documents it: ECDSA P-256 with SHA-256 over
 * the timestamp header followed by the raw body bytes, signature base64 DER. The timestamp must lie within
 * the tolerance of `now` (SendGrid signs each attempt afresh), which bounds how long a captured request can be
 * replayed; duplicate events are also dropped by `sg_event_id`.
 */
export function verifySendgridSignature(input: SendgridVerifyInput): VerifyResult {
  if (!input.signature || !input.timestamp) {
    return espProblem('ESP_MISSING_SIGNATURE', 401, 'The SendGrid signature or timestamp header is missing.');
  }
  const key = parseSendgridPublicKey(input.publicKey);
  if (!key) return espProblem('ESP_NOT_CONFIGURED', 401, 'The configured SendGrid public key is not a P-256 key.');
  if (!/^\d{1,12}$/.test(input.timestamp)) {
    return espProblem('ESP_BAD_SIGNATURE', 401, 'The SendGrid timestamp header is not a Unix time.');
  }
  const verifier = createVerify('sha256');
  verifier.update(Buffer.from(input.timestamp, 'utf8'));
  verifier.update(input.rawBody);
  let valid: boolean;
  try {
    valid = verifier.verify({ key, dsaEncoding: 'der' }, Buffer.from(input.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return espProblem('ESP_BAD_SIGNATURE', 401, 'The SendGrid signature does not match the body.');
  const tolerance = input.toleranceMs ?? 10 * 60_000;
  if (Math.abs(input.now - Number(input.timestamp) * 1000) > tolerance) {
    return espProblem('ESP_STALE_SIGNATURE', 401, 'The SendGrid signature timestamp is outside the accepted window.');
  }
  return verified;
}

/** The optional provider properties shared by every SendGrid event. */
function commonProperties(e: Record<string, unknown>): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  const messageId = textField(e.sg_message_id);
  if (messageId) props.message_id = messageId;
  if (e.category !== undefined) props.category = e.category;
  const campaign = textField(e.singlesend_id) ?? textField(e.marketing_campaign_id);
  if (campaign) props.campaign_id = campaign;
  const campaignName = textField(e.singlesend_name) ?? textField(e.marketing_campaign_name);
  if (campaignName) props.campaign_name = campaignName;
  return props;
}

/**
 * Maps a SendGrid Event Webhook body (a JSON array of events) to the normalised vocabulary:
 * delivered → Email Delivered; open → Email Opened; click → Email Link Clicked (url); bounce → Email Bounced
 * (`type: "bounce"` → hard, `type: "blocked"` → soft); dropped → Email Dropped; deferred → Email Deferred;
 * spamreport → Email Marked as Spam; unsubscribe → Unsubscribed; group_unsubscribe / group_resubscribe →
 * Group Unsubscribed / Group Resubscribed (`group_id` from `asm_group_id`). `processed` and unknown types are
 * ignored. Returns undefined when the body is not an array.
 */
export function mapSendgridEvents(body: unknown): MappedEvents | undefined {
  if (!Array.isArray(body)) return undefined;
  const events: EspEvent[] = [];
  let ignored = 0;
  const reasons: Record<string, number> = {};
  for (const item of body) {
    const mapped = item !== null && typeof item === 'object' ? mapOne(item as Record<string, unknown>) : undefined;
    if (mapped) events.push(mapped);
    else {
      ignored += 1;
      countReason(reasons, item !== null && typeof item === 'object' ? 'event_type_not_mapped_or_incomplete' : 'not_an_object');
    }
  }
  return { events, ignored, reasons };
}

function mapOne(e: Record<string, unknown>): EspEvent | undefined {
  const type = textField(e.event);
  const id = textField(e.sg_event_id);
  const email = textField(e.email);
  const seconds = typeof e.timestamp === 'number' ? e.timestamp : Number(e.timestamp);
  if (!type || !id || !email || !Number.isFinite(seconds)) return undefined;
  const props: Record<string, unknown> = commonProperties(e);
  let name: EspEventName;
  switch (type) {
    case 'delivered':
      name = 'Email Delivered';
      break;
    case 'open':
      name = 'Email Opened';
      if (e.sg_machine_open === true) props.machine_open = true;
      break;
    case 'click':
      name = 'Email Link Clicked';
      if (textField(e.url)) props.url = textField(e.url);
      break;
    case 'bounce':
      name = 'Email Bounced';
      // SendGrid: `type` "bounce" is a permanent rejection by the receiving server, "blocked" a temporary one.
      props.bounce_type = e.type === 'blocked' ? 'soft' : 'hard';
      break;
    case 'dropped':
      name = 'Email Dropped';
      break;
    case 'deferred':
      name = 'Email Deferred';
      break;
    case 'spamreport':
      name = 'Email Marked as Spam';
      break;
    case 'unsubscribe':
      name = 'Unsubscribed';
      break;
    case 'group_unsubscribe':
      name = 'Group Unsubscribed';
      break;
    case 'group_resubscribe':
      name = 'Group Resubscribed';
      break;
    default:
      return undefined;
  }
  if (name === 'Email Bounced' || name === 'Email Dropped' || name === 'Email Deferred') {
    const diagnostic = textField(e.reason) ?? textField(e.response);
    if (diagnostic) props.diagnostic = diagnostic;
    if (textField(e.bounce_classification)) props.bounce_classification = textField(e.bounce_classification);
  }
  if (e.asm_group_id !== undefined) props.group_id = textField(e.asm_group_id);
  return {
    provider: 'sendgrid',
    name,
    providerEventId: id,
    email,
    timestamp: Math.round(seconds * 1000),
    providerEvent: type,
    properties: props as JsonObject,
  };
}
