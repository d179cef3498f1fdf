import type { JsonObject, Subscription, SubscriptionState } from '../core/index.js';
import type { SegmentMessage } from './validate.js';

/** What one message says about a person's email subscription and consent. */
export interface SubscriptionSignal {
  /** The new state, when the message decides one. */
  readonly state?: SubscriptionState;
  /** Whether this signal may lift a hard bounce or a spam complaint (only explicit (re)subscribe events may). */
  readonly overridesSuppression?: boolean;
  readonly reason: string;
  /** Consent category preferences to merge over the current ones. */
  readonly consent?: Readonly<Record<string, boolean>>;
}

/** The subscription a profile starts with. */
export const unknownSubscription: Subscription = { state: 'unknown', changedAt: null, reason: null, consent: {} };

function object(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

function booleansOf(preferences: JsonObject | undefined): Record<string, boolean> {
  const consent: Record<string, boolean> = {};
  for (const [category, allowed] of Object.entries(preferences ?? {})) {
    if (typeof allowed === 'boolean') consent[category] = allowed;
  }
  return consent;
}

/**
 * Consent an identify's traits carry: `traits.consent.categoryPreferences` (the shape of the context object), else
 * `traits.consent` itself as a map of category → boolean (what a CRM sync of a consent field sends).
 */
function consentFromTraits(message: SegmentMessage): Record<string, boolean> {
  if (message.type !== 'identify') return {};
  const field = object(message.traits.consent);
  const nested = object(field?.categoryPreferences);
  return booleansOf(nested ?? field);
}

/**
 * The consent category preferences one message states, undefined when it states none: Segment's
 * `context.consent.categoryPreferences` on any call, and on an identify `traits.consent` (see
 * {@link consentFromTraits}). When both name a category, the context wins: it is what the consent manager recorded
 * when the call was made, while traits are often a copy synced from another system. Across messages, each
 * category keeps the value of the latest message naming it (applySubscriptionSignal).
 */
export function consentOf(message: SegmentMessage): Record<string, boolean> | undefined {
  const consent = { ...consentFromTraits(message), ...booleansOf(object(object(message.context.consent)?.categoryPreferences)) };
  return Object.keys(consent).length > 0 ? consent : undefined;
}

/**
 * The context an identify is stored with when its traits carry consent: the preferences of {@link consentOf}
 * written into `context.consent.categoryPreferences`, so every reader of the stored event — the engine's
 * `consent("…")`, the consent system segments destinations watch, export — sees the same consent as the profile.
 * Undefined when nothing is to be added (no consent in traits, or the context already says all of it).
 */
export function contextWithTraitConsent(message: SegmentMessage): JsonObject | undefined {
  const fromTraits = consentFromTraits(message);
  if (Object.keys(fromTraits).length === 0) return undefined;
  const consentObject = object(message.context.consent);
  const stated = booleansOf(object(consentObject?.categoryPreferences));
  if (Object.keys(fromTraits).every((k) => k in stated)) return undefined;
  return { ...message.context, consent: { ...consentObject, categoryPreferences: { ...fromTraits, ...stated } } };
}

function stateFromTraits(traits: JsonObject): { state: SubscriptionState; reason: string } | undefined {
  if (typeof traits.unsubscribed === 'boolean') {
    return { state: traits.unsubscribed ? 'unsubscribed' : 'subscribed', reason: 'identify:traits.unsubscribed' };
  }
  for (const key of ['email_subscribed', 'subscribed']) {
    const value = traits[key];
    if (typeof value === 'boolean') {
      return { state: value ? 'subscribed' : 'unsubscribed', reason: `identify:traits.${key}` };
    }
  }
  return undefined;
}

function stateFromTrack(message: SegmentMessage): { state: SubscriptionState; explicit: boolean } | undefined {
  switch (message.name) {
    case 'Unsubscribed':
      return { state: 'unsubscribed', explicit: false };
    case 'Subscribed':
    case 'Resubscribed':
      return { state: 'subscribed', explicit: true };
    case 'Email Bounced':
      return message.properties.bounce_type === 'hard' ? { state: 'hard_bounced', explicit: false } : undefined;
    case 'Email Marked as Spam':
      return { state: 'complained', explicit: false };
    default:
      return undefined;
  }
}

/**
 * The single place where a profile's {@link Subscription} is derived from the stream. A message can say:
 * - identify traits `unsubscribed: true|false`, else `email_subscribed` / `subscribed` booleans;
 * - track `Unsubscribed`, `Subscribed` / `Resubscribed`, `Email Bounced` with `properties.bounce_type = "hard"`,
 *   `Email Marked as Spam` (ESP webhooks are mapped to exactly these); the reason is `properties.reason` when
 *   it is a string (e.g. `sendgrid:unsubscribe`), else `track:<event>`;
 * - any call's `context.consent.categoryPreferences`, and an identify's `traits.consent` (booleans, merged per
 *   category; the context wins over traits in one message — {@link consentOf}).
 * Returns undefined when the message says nothing about subscription.
 */
export function subscriptionSignalOf(message: SegmentMessage): SubscriptionSignal | undefined {
  const consent = consentOf(message);
  let state: SubscriptionSignal['state'];
  let reason = 'context.consent';
  let overridesSuppression = false;
  if (message.type === 'identify') {
    const fromTraits = stateFromTraits(message.traits);
    if (fromTraits) ({ state, reason } = fromTraits);
  } else if (message.type === 'track') {
    const fromTrack = stateFromTrack(message);
    if (fromTrack) {
      state = fromTrack.state;
      overridesSuppression = fromTrack.explicit;
      reason = typeof message.properties.reason === 'string' ? message.properties.reason : `track:${message.name}`;
    }
  }
  if (state === undefined && consent === undefined) return undefined;
  return {
    ...(state === undefined ? {} : { state }),
    ...(overridesSuppression ? { overridesSuppression } : {}),
    reason,
    ...(consent === undefined ? {} : { consent }),
  };
}

/**
 * Applies a signal observed at event time `at` to the current subscription; undefined when nothing changes.
 * Rules: a state older than the current `changedAt` is ignored (late events do not undo newer decisions);
 * `hard_bounced` and `complained` are lifted only by an explicit `Subscribed` / `Resubscribed` event, never by a
 * trait sync; consent categories merge over the current ones.
 */
export function applySubscriptionSignal(
  current: Subscription,
  signal: SubscriptionSignal,
  at: number,
): Subscription | undefined {
  let next = current;
  if (signal.state !== undefined && signal.state !== current.state) {
    const late = current.changedAt !== null && at < current.changedAt;
    const suppressed = current.state === 'hard_bounced' || current.state === 'complained';
    if (!late && (!suppressed || signal.overridesSuppression === true)) {
      next = { ...next, state: signal.state, changedAt: at, reason: signal.reason };
    }
  }
  if (signal.consent) {
    const changed = Object.entries(signal.consent).some(([k, v]) => current.consent[k] !== v);
    if (changed) next = { ...next, consent: { ...current.consent, ...signal.consent } };
  }
  return next === current ? undefined : next;
}
