import type { JsonObject } from './event.js';

/** Kinds of identifier that can point at a profile. */
export type IdentityKind = 'user_id' | 'anonymous_id' | 'email';

/** One identifier of a profile. Emails are stored lower-cased and trimmed. */
export interface Identity {
  readonly kind: IdentityKind;
  readonly value: string;
  /** Epoch ms when segflow first saw this identifier on the profile. */
  readonly firstSeenAt: number;
}

/** Email subscription states; `unknown` until the person opts in or out or an ESP reports on them. */
export type SubscriptionState = 'unknown' | 'subscribed' | 'unsubscribed' | 'hard_bounced' | 'complained';

/** The current email subscription and consent of a profile, with when and why it last changed. */
export interface Subscription {
  readonly state: SubscriptionState;
  readonly changedAt: number | null;
  /** Why: e.g. "sendgrid:unsubscribe", "identify:traits.unsubscribed", "mailgun:complained". */
  readonly reason: string | null;
  /** Segment-style consent category preferences (`context.consent.categoryPreferences`). */
  readonly consent: Readonly<Record<string, boolean>>;
}

/** A person (or an anonymous visitor who may become one). */
export interface Profile {
  readonly workspaceId: string;
  /** segflow's own id, `prof_…`; stable, never reused. */
  readonly id: string;
  readonly traits: JsonObject;
  readonly identities: readonly Identity[];
  readonly subscription: Subscription;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Earliest and latest event time seen (epoch ms), null before any event. */
  readonly firstSeenAt: number | null;
  readonly lastSeenAt: number | null;
  /** Set when this profile was merged into another one; reads follow it. */
  readonly mergedInto: string | null;
}
