import { assertNever, type StoredEvent } from '../../core/index.js';
import type {
  ConsentUpdate,
  HistoryEvent,
  ProfileHistory,
  ScoreUpdate,
  SubscriptionStatus,
  SubscriptionUpdate,
  TraitUpdate,
} from '../../rules/index.js';

/** What one stored event contributes to a profile's evaluation history (any part may be absent). */
export interface HistoryItems {
  readonly event?: HistoryEvent;
  readonly traits?: TraitUpdate;
  readonly subscription?: SubscriptionUpdate;
  readonly consent?: ConsentUpdate;
  readonly score?: ScoreUpdate;
}

/**
 * Maps one stored event to its contribution to the evaluation history. This mapping *is* the meaning of the log
 * for rules, so the engine, backfill and `explain` all use it:
 * - `track` is an activity event with its name; `page` is "Page Viewed", `screen` is "Screen Viewed" (with the
 *   page/screen name as `properties.name` when the properties do not carry one); `identify`, `group`, `alias`
 *   are not activity (they do not move `last_seen`).
 * - `identify` with non-empty traits is a trait update at the event time.
 * - Subscription: `track "Unsubscribed"` → unsubscribed, `"Subscribed"` / `"Resubscribed"` → subscribed,
 *   `"Email Bounced"` with `properties.bounce_type` (or `type`) `"hard"` → hard_bounced, `"Email Marked as Spam"` →
 *   complained; an `identify` whose traits carry a boolean `unsubscribed` (else `email_subscribed`, else
 *   `subscribed`) sets the state — the same signals as ingestion's `subscriptionSignalOf`. Unlike the profile's
 *   stored subscription, a later trait sync here does override a hard bounce or complaint (the reference
 *   evaluator reads the latest update); see docs/engine.md.
 * - Consent: `context.consent.categoryPreferences` on any event.
 * - Scores: a `score` event, the system record segflow itself appends (see `src/predict/score-writer.ts`; ingestion
 *   never accepts this type), named after the model, with `properties.value` (a finite number). A `track`
 *   named "Score Updated" is an ordinary activity event: a write key cannot move a score.
 */
export function historyItemsOf(event: StoredEvent): HistoryItems {
  const items: {
    event?: HistoryEvent;
    traits?: TraitUpdate;
    subscription?: SubscriptionUpdate;
    consent?: ConsentUpdate;
    score?: ScoreUpdate;
  } = {};
  const time = event.timestamp;
  switch (event.type) {
    case 'track':
      if (event.name !== null) items.event = { id: event.messageId, name: event.name, time, properties: event.properties };
      break;
    case 'page':
    case 'screen': {
      const name = event.type === 'page' ? 'Page Viewed' : 'Screen Viewed';
      const properties =
        event.name !== null && !Object.hasOwn(event.properties, 'name') ? { ...event.properties, name: event.name } : event.properties;
      items.event = { id: event.messageId, name, time, properties };
      break;
    }
    case 'identify':
      if (Object.keys(event.traits).length > 0) items.traits = { time, traits: event.traits };
      if (typeof event.traits['unsubscribed'] === 'boolean') {
        items.subscription = { time, status: event.traits['unsubscribed'] ? 'unsubscribed' : 'subscribed' };
      } else {
        for (const key of ['email_subscribed', 'subscribed']) {
          const value = event.traits[key];
          if (typeof value === 'boolean') {
            items.subscription = { time, status: value ? 'subscribed' : 'unsubscribed' };
            break;
          }
        }
      }
      break;
    case 'score': {
      const value = event.properties['value'];
      if (event.name !== null && typeof value === 'number' && Number.isFinite(value)) items.score = { time, name: event.name, value };
      break;
    }
    case 'group':
    case 'alias':
      break;
    default:
      assertNever(event.type);
  }
  if (items.event !== undefined) {
    const status = subscriptionFromTrack(items.event);
    if (status !== undefined) items.subscription = { time, status };
  }
  const consent = event.context['consent'];
  if (consent !== null && typeof consent === 'object') {
    const prefs = (consent as Record<string, unknown>)['categoryPreferences'];
    if (prefs !== null && typeof prefs === 'object' && !Array.isArray(prefs)) {
      items.consent = { time, categories: prefs as Record<string, boolean> };
    }
  }
  return items;
}

function subscriptionFromTrack(event: HistoryEvent): SubscriptionStatus | undefined {
  switch (event.name) {
    case 'Unsubscribed':
      return 'unsubscribed';
    case 'Subscribed':
    case 'Resubscribed':
      return 'subscribed';
    case 'Email Marked as Spam':
      return 'complained';
    case 'Email Bounced': {
      const type = event.properties['bounce_type'] ?? event.properties['type'];
      return type === 'hard' ? 'hard_bounced' : undefined;
    }
    default:
      return undefined;
  }
}

/** A profile's full evaluation history from its stored events (any order; updates keep log order for ties). */
export function historyFromEvents(events: readonly StoredEvent[], profileId?: string): ProfileHistory {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const id = profileId ?? sorted[0]?.profileId;
  const history = {
    ...(id === undefined ? {} : { profileId: id }),
    events: [] as HistoryEvent[],
    traits: [] as TraitUpdate[],
    subscription: [] as SubscriptionUpdate[],
    consent: [] as ConsentUpdate[],
    scores: [] as ScoreUpdate[],
  };
  for (const stored of sorted) {
    const items = historyItemsOf(stored);
    if (items.event) history.events.push(items.event);
    if (items.traits) history.traits.push(items.traits);
    if (items.subscription) history.subscription.push(items.subscription);
    if (items.consent) history.consent.push(items.consent);
    if (items.score) history.scores.push(items.score);
  }
  return history;
}
