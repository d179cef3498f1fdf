import type { JsonObject } from '../../core/index.js';
import { normaliseEmail } from '../resolve-identity.js';

/** The ESP providers segflow accepts event webhooks from; each has its own endpoint `/v1/webhooks/<provider>`. */
export type EspProvider = 'sendgrid' | 'mailgun' | 'postmark' | 'ses';

/** Every provider, in documentation order. */
export const espProviders: readonly EspProvider[] = ['sendgrid', 'mailgun', 'postmark', 'ses'];

/** True when `value` names a supported provider. */
export function isEspProvider(value: string): value is EspProvider {
  return (espProviders as readonly string[]).includes(value);
}

/**
 * The normalised vocabulary every provider's events are mapped to. The subscription step of ingestion reads
 * `Unsubscribed`, `Resubscribed`, `Email Bounced` (with `bounce_type: "hard"`) and `Email Marked as Spam`;
 * the others are ordinary behaviour usable in rules (open rates, re-engagement).
 */
export type EspEventName =
  | 'Email Delivered'
  | 'Email Opened'
  | 'Email Link Clicked'
  | 'Email Bounced'
  | 'Email Marked as Spam'
  | 'Email Dropped'
  | 'Email Deferred'
  | 'Unsubscribed'
  | 'Resubscribed'
  | 'Group Unsubscribed'
  | 'Group Resubscribed';

/** Hard bounces make a person ineligible for email; soft ones are recorded only. */
export type BounceType = 'hard' | 'soft';

/**
 * One provider event in the normalised vocabulary, before it becomes a Segment message. `providerEventId` is
 * the provider's own unique id of the event (SendGrid `sg_event_id`, Mailgun `event-data.id`, …) and is the
 * dedupe key; `timestamp` is the provider's event time in epoch ms.
 */
export interface EspEvent {
  readonly provider: EspProvider;
  readonly name: EspEventName;
  readonly providerEventId: string;
  /** The recipient's address as the provider reports it (normalised later). */
  readonly email: string;
  readonly timestamp: number;
  /** The provider's raw event type (`bounce`, `failed`, `HardBounce`, …), kept for audit. */
  readonly providerEvent: string;
  /** Extra properties: `message_id`, `campaign_id`, `url`, `bounce_type`, `diagnostic`, `group_id`, … */
  readonly properties: JsonObject;
}

/** The outcome of mapping one provider payload: the normalised events and how many items were skipped. */
export interface MappedEvents {
  readonly events: EspEvent[];
  /** Items not in the vocabulary (e.g. `processed`) or without an address or id. */
  readonly ignored: number;
  /** Why items were ignored, counted by reason (a small fixed set: these become metric labels). */
  readonly reasons?: Readonly<Record<string, number>>;
}

/** One item ignored for `reason`. */
export function ignoredFor(reason: string): MappedEvents {
  return { events: [], ignored: 1, reasons: { [reason]: 1 } };
}

/** Adds `n` items ignored for `reason` to a reasons tally. */
export function countReason(into: Record<string, number>, reason: string, n = 1): void {
  into[reason] = (into[reason] ?? 0) + n;
}

/**
 * The Segment-spec `track` message an {@link EspEvent} becomes. Validation needs a `userId` or an
 * `anonymousId`; ESP events know only an email, so `anonymousId` is derived from the address
 * (`email:<address>`) and the address is also given as `context.traits.email` for identity resolution by
 * email.
 */
export interface EspTrackMessage {
  readonly type: 'track';
  readonly event: EspEventName;
  readonly anonymousId: string;
  readonly messageId: string;
  readonly timestamp: string;
  readonly context: { readonly traits: { readonly email: string }; readonly library: { readonly name: string } };
  readonly properties: JsonObject;
}

/**
 * Turns a normalised event into the Segment `track` message fed through the ingestion pipeline. The
 * `messageId` `<provider>:<provider event id>` makes provider retries dedupe in the pipeline. `properties.reason`
 * is `<provider>:<provider event>` (the subscription step records it as the "why"); `properties.email` and
 * `properties.provider` are always present.
 */
export function toTrackMessage(event: EspEvent): EspTrackMessage | undefined {
  const email = normaliseEmail(event.email);
  if (email === null || !Number.isFinite(event.timestamp)) return undefined;
  return {
    type: 'track',
    event: event.name,
    anonymousId: `email:${email}`,
    messageId: `${event.provider}:${event.providerEventId}`,
    timestamp: new Date(event.timestamp).toISOString(),
    context: { traits: { email }, library: { name: `segflow-esp-${event.provider}` } },
    properties: {
      ...event.properties,
      email,
      provider: event.provider,
      provider_event: event.providerEvent,
      reason: `${event.provider}:${event.providerEvent}`,
    },
  };
}
