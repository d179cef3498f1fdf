/**
 * What the reference evaluator (and every engine) knows about one profile: its activity, and the timed
 * changes of its traits, subscription state, consent and scores. All times are epoch milliseconds of *event
 * time* (when it happened, after clock-skew correction), never of arrival.
 */

/** One activity event. `track` events keep their name; `page` is "Page Viewed", `screen` is "Screen Viewed". */
export interface HistoryEvent {
  /** Stable id (the message id): evidence in explanations, and tie-breaker for equal times. */
  readonly id: string;
  readonly name: string;
  readonly time: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * Traits set at `time` (an `identify`, an import, a merge). Top-level keys overwrite earlier values; a key
 * whose value is `null` removes the trait.
 */
export interface TraitUpdate {
  readonly time: number;
  readonly traits: Readonly<Record<string, unknown>>;
}

/** Email subscription states. No update at all means "unknown" (never opted in or out explicitly). */
export type SubscriptionStatus = 'subscribed' | 'unsubscribed' | 'hard_bounced' | 'complained';

/** The email subscription state became `status` at `time`. */
export interface SubscriptionUpdate {
  readonly time: number;
  readonly status: SubscriptionStatus;
}

/** Segment-style consent category preferences (`context.consent.categoryPreferences`) given at `time`. */
export interface ConsentUpdate {
  readonly time: number;
  readonly categories: Readonly<Record<string, boolean>>;
}

/** A predicted score value set at `time`. */
export interface ScoreUpdate {
  readonly time: number;
  readonly name: string;
  readonly value: number;
}

/** Everything known about one profile. Arrays need not be sorted; evaluators must not rely on order. */
export interface ProfileHistory {
  /** The profile's id: only `in_experiment_arm` reads it (the split hashes it); a history without one is in no arm. */
  readonly profileId?: string;
  readonly events: readonly HistoryEvent[];
  readonly traits: readonly TraitUpdate[];
  readonly subscription?: readonly SubscriptionUpdate[];
  readonly consent?: readonly ConsentUpdate[];
  readonly scores?: readonly ScoreUpdate[];
}
