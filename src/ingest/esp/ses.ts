import type { JsonObject } from '../../core/index.js';
import type { EspEvent, EspEventName, MappedEvents } from './esp-event.js';
import { ignoredFor } from './esp-event.js';
import { objectField } from './json-fields.js';
import type { SnsMessage } from './sns-signature.js';

// Strings only: unlike the other mappers' textField, a number is not read as text here.
function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function addressesOf(list: unknown, key?: string): string[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((item) => (key === undefined ? str(item) : str(objectField(item)[key])))
    .filter((e): e is string => e !== undefined);
}

/** One SES outcome for a set of recipients, before it is split per recipient. */
interface SesOutcome {
  readonly name: EspEventName;
  readonly recipients: readonly string[];
  readonly at: string | undefined;
  readonly props: Record<string, unknown>;
}

/**
 * Maps the SES event inside an SNS Notification (`Message` is JSON), in both SES formats: event publishing
 * (`eventType`) and notifications (`notificationType`). Delivery → Email Delivered (per `delivery.recipients`);
 * Open → Email Opened and Click → Email Link Clicked (`click.link`) for `mail.destination`; Bounce → Email
 * Bounced per `bounce.bouncedRecipients` (`bounceType` Permanent → hard, Transient / Undetermined → soft);
 * Complaint → Email Marked as Spam per `complaint.complainedRecipients`; Reject → Email Dropped; DeliveryDelay
 * → Email Deferred per `deliveryDelay.delayedRecipients`; Subscription with `unsubscribeAll` → Unsubscribed.
 * Send, Rendering Failure and unknown types are ignored. One event per recipient, keyed by the SNS
 * `MessageId` (stable across SNS retries) and the address. Undefined when `Message` is not an SES event.
 */
export function mapSesNotification(sns: SnsMessage): MappedEvents | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(sns.Message);
  } catch {
    return undefined;
  }
  const event = objectField(parsed);
  const type = str(event.eventType) ?? str(event.notificationType);
  if (!type) return undefined;
  const mail = objectField(event.mail);
  const destination = addressesOf(mail.destination);
  const common: Record<string, unknown> = {};
  if (str(mail.messageId)) common.message_id = str(mail.messageId);
  const tags = objectField(mail.tags);
  const campaign = addressesOf(tags.campaign_id ?? tags['ses:configuration-set'])[0];
  if (campaign) common.campaign_id = campaign;
  const outcome = outcomeOf(type, event, destination, str(mail.timestamp));
  if (!outcome) return ignoredFor('notification_type_not_mapped');
  const events: EspEvent[] = [];
  let ignored = 0;
  const at = outcome.at === undefined ? Number.NaN : Date.parse(outcome.at);
  for (const email of new Set(outcome.recipients.map((r) => r.toLowerCase()))) {
    if (!Number.isFinite(at)) {
      ignored += 1;
      continue;
    }
    events.push({
      provider: 'ses',
      name: outcome.name,
      providerEventId: `${sns.MessageId}:${email}`,
      email,
      timestamp: at,
      providerEvent: type,
      properties: { ...common, ...outcome.props } as JsonObject,
    });
  }
  return { events, ignored, ...(ignored > 0 ? { reasons: { bad_timestamp: ignored } } : {}) };
}

function outcomeOf(
  type: string,
  event: Record<string, unknown>,
  destination: readonly string[],
  mailTime: string | undefined,
): SesOutcome | undefined {
  switch (type) {
    case 'Delivery': {
      const d = objectField(event.delivery);
      const recipients = addressesOf(d.recipients);
      const props: Record<string, unknown> = {};
      if (str(d.smtpResponse)) props.diagnostic = str(d.smtpResponse);
      return { name: 'Email Delivered', recipients: recipients.length ? recipients : destination, at: str(d.timestamp), props };
    }
    case 'Open':
      return { name: 'Email Opened', recipients: destination, at: str(objectField(event.open).timestamp), props: {} };
    case 'Click': {
      const c = objectField(event.click);
      return { name: 'Email Link Clicked', recipients: destination, at: str(c.timestamp), props: str(c.link) ? { url: str(c.link) } : {} };
    }
    case 'Bounce': {
      const b = objectField(event.bounce);
      const props: Record<string, unknown> = {
        bounce_type: b.bounceType === 'Permanent' ? 'hard' : 'soft',
        ...(str(b.bounceSubType) ? { bounce_subtype: str(b.bounceSubType) } : {}),
      };
      const first = objectField(Array.isArray(b.bouncedRecipients) ? b.bouncedRecipients[0] : undefined);
      if (str(first.diagnosticCode)) props.diagnostic = str(first.diagnosticCode);
      return { name: 'Email Bounced', recipients: addressesOf(b.bouncedRecipients, 'emailAddress'), at: str(b.timestamp), props };
    }
    case 'Complaint': {
      const c = objectField(event.complaint);
      const props: Record<string, unknown> = {};
      if (str(c.complaintFeedbackType)) props.feedback_type = str(c.complaintFeedbackType);
      return { name: 'Email Marked as Spam', recipients: addressesOf(c.complainedRecipients, 'emailAddress'), at: str(c.timestamp), props };
    }
    case 'Reject': {
      const reason = str(objectField(event.reject).reason);
      return { name: 'Email Dropped', recipients: destination, at: mailTime, props: reason ? { diagnostic: reason } : {} };
    }
    case 'DeliveryDelay': {
      const d = objectField(event.deliveryDelay);
      const props: Record<string, unknown> = str(d.delayType) ? { delay_type: str(d.delayType) } : {};
      return { name: 'Email Deferred', recipients: addressesOf(d.delayedRecipients, 'emailAddress'), at: str(d.timestamp), props };
    }
    case 'Subscription': {
      const s = objectField(event.subscription);
      if (objectField(s.newTopicPreferences).unsubscribeAll !== true) return undefined;
      const props: Record<string, unknown> = str(s.contactList) ? { contact_list: str(s.contactList) } : {};
      return { name: 'Unsubscribed', recipients: destination, at: str(s.timestamp) ?? mailTime, props };
    }
    default:
      return undefined;
  }
}
