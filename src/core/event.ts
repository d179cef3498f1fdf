/** The Segment-spec call types segflow accepts. */
export type EventType = 'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias' | 'score';

/** A JSON object as received (after validation: no `__proto__`/`constructor` keys, bounded depth). */
export type JsonObject = { readonly [key: string]: unknown };

/**
 * An event accepted by ingestion, normalised and resolved to a profile, ready to append to the event log.
 * `timestamp` is the event time after clock-skew correction; `receivedAt` is when segflow accepted it.
 */
export interface NewEvent {
  readonly workspaceId: string;
  /** The client's messageId (or one derived from the content when absent): the dedupe key within a workspace. */
  readonly messageId: string;
  readonly profileId: string;
  readonly type: EventType;
  /** `track`: the event name; `page`/`screen`: the page or screen name when given; otherwise null. */
  readonly name: string | null;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  /** Event time in epoch ms (skew-corrected). */
  readonly timestamp: number;
  /** Acceptance time in epoch ms. */
  readonly receivedAt: number;
  readonly properties: JsonObject;
  readonly traits: JsonObject;
  readonly context: JsonObject;
}

/** An event in the log. `seq` is its position in the log: strictly increasing in commit order. */
export interface StoredEvent extends NewEvent {
  readonly seq: number;
}
